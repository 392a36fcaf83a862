using System.Diagnostics;
using System.Net;
using Gate.NetlinkCtl.SoracomApi;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.SoracomApi;

/// <summary>The API client against a local server implementing the documented endpoints, and each way the API can fail.</summary>
public sealed class SoracomApiClientTests
{
    private static readonly AuthKey Key = new(FakeSoracomApi.AuthKeyId, FakeSoracomApi.AuthKeySecret);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(FakeSoracomApi Api, SoracomApiClient Client)> StartAsync(TimeSpan? timeout = null)
    {
        var api = new FakeSoracomApi();
        api.AddPeer("203.0.113.4", null, owned: false);
        api.AddPeer("203.0.113.132", null, owned: false);
        api.AddPeer("198.51.100.20", "198.18.0.20", owned: true);
        await Task.CompletedTask;
        return (api, new SoracomApiClient(api.BaseUrl, timeout ?? TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task It_authenticates_with_the_auth_key_and_lists_the_VPGs_gate_peers()
    {
        var (api, client) = await StartAsync();
        await using var _ = api;
        using var __ = client;

        var session = await client.AuthenticateAsync(Key, Ct);
        var peers = await client.ListGatePeersAsync(session, api.VpgId, Ct);

        Assert.Equal(
            [
                new GatePeer(IPAddress.Parse("203.0.113.4"), null, false),
                new GatePeer(IPAddress.Parse("203.0.113.132"), null, false),
                new GatePeer(IPAddress.Parse("198.51.100.20"), IPAddress.Parse("198.18.0.20"), true),
            ],
            peers);
        var list = Assert.Single(api.Requests, r => r.Method == "GET");
        Assert.Equal(FakeSoracomApi.ApiKey, list.Headers["X-Soracom-API-Key"]);
        Assert.Equal(FakeSoracomApi.Token, list.Headers["X-Soracom-Token"]);
        Assert.Equal("SoracomSession(hidden)", session.ToString());
    }

    [Fact]
    public async Task A_refused_auth_key_is_a_credentials_error_that_holds_no_secret()
    {
        var (api, client) = await StartAsync();
        await using var _ = api;
        using var __ = client;

        var error = await Assert.ThrowsAsync<SoracomApiException>(() => client.AuthenticateAsync(new AuthKey(FakeSoracomApi.AuthKeyId, "secret-wrong-one"), Ct));

        Assert.Equal(SoracomFailure.Credentials, error.Failure);
        Assert.Contains("HTTP 401", error.Message, StringComparison.Ordinal);
        Assert.Contains("credentials were refused", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-wrong-one", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSoracomApi.AuthKeyId, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_429_with_a_short_Retry_After_is_retried_once_after_waiting_that_long()
    {
        var (api, client) = await StartAsync();
        await using var _ = api;
        using var __ = client;
        api.Enqueue(FakeResponse.TooManyRequests(1));

        var clock = Stopwatch.StartNew();
        var session = await client.AuthenticateAsync(Key, Ct);

        Assert.Equal(FakeSoracomApi.Token, session.Token);
        Assert.Equal(2, api.Count("POST", "/v1/auth"));
        var auths = api.Requests.Where(r => r.Path == "/v1/auth").ToList();
        Assert.True(auths[1].At - auths[0].At >= TimeSpan.FromMilliseconds(950), $"retried after {(auths[1].At - auths[0].At).TotalMilliseconds} ms");
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(950));
    }

    [Fact]
    public async Task A_429_asking_for_longer_than_gatectl_waits_fails_at_once_as_rate_limited()
    {
        var (api, client) = await StartAsync();
        await using var _ = api;
        using var __ = client;
        api.Enqueue(FakeResponse.TooManyRequests(120));

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<SoracomApiException>(() => client.AuthenticateAsync(Key, Ct));

        Assert.Equal(SoracomFailure.RateLimited, error.Failure);
        Assert.Contains("retry after 120 s", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, api.Count("POST", "/v1/auth"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_500_is_a_status_error_naming_the_request()
    {
        var (api, client) = await StartAsync();
        await using var _ = api;
        using var __ = client;
        var session = await client.AuthenticateAsync(Key, Ct);
        api.Fault = FakeResponse.ServerError;

        var error = await Assert.ThrowsAsync<SoracomApiException>(() => client.ListGatePeersAsync(session, api.VpgId, Ct));

        Assert.Equal(SoracomFailure.Status, error.Failure);
        Assert.Equal($"SORACOM API: GET /v1/virtual_private_gateways/{api.VpgId}/gate/peers: HTTP 500 Internal Server Error", error.Message);
    }

    [Fact]
    public async Task A_reply_slower_than_the_timeout_is_a_timeout()
    {
        var (api, client) = await StartAsync(TimeSpan.FromSeconds(1));
        await using var _ = api;
        using var __ = client;
        api.Fault = FakeResponse.Slow(TimeSpan.FromSeconds(10));

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<SoracomApiException>(() => client.AuthenticateAsync(Key, Ct));

        Assert.Equal(SoracomFailure.Timeout, error.Failure);
        Assert.Contains("no complete reply within 1 s", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Malformed_JSON_is_refused_without_quoting_the_reply()
    {
        var (api, client) = await StartAsync();
        await using var _ = api;
        using var __ = client;
        var session = await client.AuthenticateAsync(Key, Ct);
        api.Fault = FakeResponse.Malformed;

        var error = await Assert.ThrowsAsync<SoracomApiException>(() => client.ListGatePeersAsync(session, api.VpgId, Ct));

        Assert.Equal(SoracomFailure.Malformed, error.Failure);
        Assert.Contains("is not the JSON the API documents", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ownedBy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_entry_without_an_IPv4_outer_address_makes_the_whole_answer_unusable()
    {
        var (api, client) = await StartAsync();
        await using var _ = api;
        using var __ = client;
        var session = await client.AuthenticateAsync(Key, Ct);
        api.Enqueue(FakeResponse.Json(200, """[{"outerIpAddress": "203.0.113.4", "ownedByCustomer": false}, {"outerIpAddress": "2001:db8::1", "ownedByCustomer": false}]"""));

        var error = await Assert.ThrowsAsync<SoracomApiException>(() => client.ListGatePeersAsync(session, api.VpgId, Ct));

        Assert.Equal(SoracomFailure.Malformed, error.Failure);
    }

    [Fact]
    public async Task Register_adds_the_peer_and_unregister_removes_it_then_reports_it_gone()
    {
        var (api, client) = await StartAsync();
        await using var _ = api;
        using var __ = client;
        var session = await client.AuthenticateAsync(Key, Ct);

        await client.RegisterGatePeerAsync(session, api.VpgId, IPAddress.Parse("192.0.2.10"), IPAddress.Parse("198.18.0.10"), Ct);

        Assert.Contains(("192.0.2.10", "198.18.0.10", true), api.Peers);
        Assert.Contains("\"outerIpAddress\":\"192.0.2.10\"", api.Requests.Single(r => r.Method == "POST" && r.Path.EndsWith("/gate/peers", StringComparison.Ordinal)).Body, StringComparison.Ordinal);
        Assert.True(await client.UnregisterGatePeerAsync(session, api.VpgId, IPAddress.Parse("192.0.2.10"), Ct));
        Assert.DoesNotContain(api.Peers, p => p.Outer == "192.0.2.10");
        Assert.False(await client.UnregisterGatePeerAsync(session, api.VpgId, IPAddress.Parse("192.0.2.10"), Ct));
        Assert.Equal(2, api.Count("DELETE", "/gate/peers/192.0.2.10"));
    }
}
