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
            peers.Peers);
        Assert.Empty(peers.Skipped);
        var list = Assert.Single(api.Requests, r => r.Method == "GET");
        Assert.Equal(session.ApiKey, list.Headers["X-Soracom-API-Key"]);
        Assert.Equal(session.Token, list.Headers["X-Soracom-Token"]);
        Assert.StartsWith(FakeSoracomApi.Token, session.Token, StringComparison.Ordinal);
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

        Assert.StartsWith(FakeSoracomApi.Token, session.Token, StringComparison.Ordinal);
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
        Assert.Equal(500, error.Status);
        Assert.Equal("ERR0001", error.ApiCode);
        Assert.StartsWith($"SORACOM API: GET /v1/virtual_private_gateways/{api.VpgId}/gate/peers: HTTP 500 Internal Server Error (ERR0001: internal error): a fault at SORACOM", error.Message);
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
    public async Task Entries_the_spec_allows_but_gatectl_cannot_use_are_skipped_by_name_and_the_rest_is_kept()
    {
        var (api, client) = await StartAsync();
        await using var _ = api;
        using var __ = client;
        var session = await client.AuthenticateAsync(Key, Ct);
        // Every GatePeer field is optional in the spec, and netmask is a string: all of this is a legal answer.
        api.Enqueue(FakeResponse.Json(200, """
            [{"outerIpAddress": "203.0.113.4", "netmask": "255.254.0.0", "ownedByCustomer": false},
             {"outerIpAddress": "2001:db8::1", "ownedByCustomer": false},
             {"innerIpAddress": "198.18.0.30", "netmask": "255.254.0.0", "ownedByCustomer": true},
             {"outerIpAddress": "198.51.100.30", "innerIpAddress": "198.18.0.30"},
             {"outerIpAddress": "198.51.100.20", "innerIpAddress": "198.18.0.20", "netmask": "255.254.0.0", "ownedByCustomer": true}]
            """));

        var list = await client.ListGatePeersAsync(session, api.VpgId, Ct);

        Assert.Equal(
            [new GatePeer(IPAddress.Parse("203.0.113.4"), null, false), new GatePeer(IPAddress.Parse("198.51.100.20"), IPAddress.Parse("198.18.0.20"), true)],
            list.Peers);
        Assert.Equal(3, list.Skipped.Count);
        Assert.Contains("entry 2 (outerIpAddress 2001:db8::1, ownedByCustomer false): skipped, outerIpAddress '2001:db8::1' is not an IPv4 address", list.Skipped[0], StringComparison.Ordinal);
        Assert.Contains("entry 3 (outerIpAddress absent", list.Skipped[1], StringComparison.Ordinal);
        Assert.Contains("entry 4 (outerIpAddress 198.51.100.30, ownedByCustomer absent): skipped, it has no ownedByCustomer", list.Skipped[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_API_URL_works_with_or_without_the_specs_v1(bool withVersion)
    {
        await using var api = new FakeSoracomApi();
        api.AddPeer("203.0.113.4", null, owned: false);
        using var client = new SoracomApiClient(withVersion ? api.BaseUrlWithVersion : api.BaseUrl, TimeSpan.FromSeconds(5));

        var session = await client.AuthenticateAsync(Key, Ct);
        var peers = await client.ListGatePeersAsync(session, api.VpgId, Ct);

        Assert.Single(peers.Peers);
        Assert.Equal(["/v1/auth", $"/v1/virtual_private_gateways/{api.VpgId}/gate/peers"], api.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task The_login_asks_for_the_token_life_and_the_VPGs_gate_settings_are_read()
    {
        var (api, client) = await StartAsync();
        await using var _ = api;
        using var __ = client;
        api.GateVxlanId = 20;

        var session = await client.AuthenticateAsync(Key, Ct, TimeSpan.FromHours(2));
        var vpg = await client.GetVirtualPrivateGatewayAsync(session, api.VpgId, Ct);

        Assert.Contains("\"tokenTimeoutSeconds\":7200", api.Requests[0].Body, StringComparison.Ordinal);
        Assert.Equal(new VirtualPrivateGateway(api.VpgId, true, 20, IPNetwork.Parse("198.18.0.0/15")), vpg);
    }

    [Theory]
    [InlineData("listGatePeers")]
    [InlineData("getVirtualPrivateGateway")]
    [InlineData("registerGatePeer")]
    [InlineData("unregisterGatePeer")]
    public async Task A_403_names_the_SAM_permission_the_user_lacks_with_the_APIs_code_and_message(string operation)
    {
        var (api, client) = await StartAsync();
        await using var _ = api;
        using var __ = client;
        var session = await client.AuthenticateAsync(Key, Ct);
        api.Denied.Add(operation);

        var error = await Assert.ThrowsAsync<SoracomApiException>(() => operation switch
        {
            "listGatePeers" => client.ListGatePeersAsync(session, api.VpgId, Ct),
            "getVirtualPrivateGateway" => client.GetVirtualPrivateGatewayAsync(session, api.VpgId, Ct),
            "registerGatePeer" => client.RegisterGatePeerAsync(session, api.VpgId, IPAddress.Parse("192.0.2.10"), IPAddress.Parse("198.18.0.10"), Ct),
            _ => client.UnregisterGatePeerAsync(session, api.VpgId, IPAddress.Parse("198.51.100.20"), Ct),
        });

        Assert.Equal(SoracomFailure.Permission, error.Failure);
        Assert.Contains($"HTTP 403 Forbidden (SEM0016: You are not allowed to call VirtualPrivateGateway:{operation})", error.Message, StringComparison.Ordinal);
        Assert.Contains($"the SAM user lacks the permission VirtualPrivateGateway:{operation}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_400_carries_the_APIs_code_and_message_and_what_to_check()
    {
        var (api, client) = await StartAsync();
        await using var _ = api;
        using var __ = client;
        var session = await client.AuthenticateAsync(Key, Ct);

        // Registered already: the API refuses a second registration (gatectl's callers list first).
        var error = await Assert.ThrowsAsync<SoracomApiException>(() =>
            client.RegisterGatePeerAsync(session, api.VpgId, IPAddress.Parse("198.51.100.20"), IPAddress.Parse("198.18.0.20"), Ct));

        Assert.Equal(SoracomFailure.BadRequest, error.Failure);
        Assert.Contains("HTTP 400 Bad Request (VPG0032: The gate peer is already registered): the API refused the request; check the gate's local", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_is_retried_after_5xx_and_429_with_backoff_and_gives_up_after_its_bound()
    {
        await using var api = new FakeSoracomApi();
        using var client = new SoracomApiClient(api.BaseUrl, TimeSpan.FromSeconds(5), changeRetries: [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400)]);
        var session = await client.AuthenticateAsync(Key, Ct);
        api.Enqueue(FakeResponse.ServerError);
        api.Enqueue(FakeResponse.Json(429, """{"code":"ERR0429","message":"rate limited"}"""));

        await client.RegisterGatePeerAsync(session, api.VpgId, IPAddress.Parse("192.0.2.10"), IPAddress.Parse("198.18.0.10"), Ct);

        var posts = api.Requests.Where(r => r.Method == "POST" && r.Path.EndsWith("/gate/peers", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, posts.Count);
        Assert.True(posts[1].At - posts[0].At >= TimeSpan.FromMilliseconds(90), $"first retry after {(posts[1].At - posts[0].At).TotalMilliseconds} ms");
        Assert.True(posts[2].At - posts[1].At >= TimeSpan.FromMilliseconds(190), $"second retry after {(posts[2].At - posts[1].At).TotalMilliseconds} ms");
        Assert.Contains(("192.0.2.10", "198.18.0.10", true), api.Peers);

        api.Fault = FakeResponse.ServerError;
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<SoracomApiException>(() => client.UnregisterGatePeerAsync(session, api.VpgId, IPAddress.Parse("192.0.2.10"), Ct));

        Assert.Equal(4, api.Count("DELETE", "/gate/peers/192.0.2.10"));
        Assert.Contains("after 4 attempts", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_list_is_not_retried_on_500_the_cache_covers_it()
    {
        var (api, client) = await StartAsync();
        await using var _ = api;
        using var __ = client;
        var session = await client.AuthenticateAsync(Key, Ct);
        api.Fault = FakeResponse.ServerError;

        await Assert.ThrowsAsync<SoracomApiException>(() => client.ListGatePeersAsync(session, api.VpgId, Ct));

        Assert.Equal(1, api.Count("GET", "/gate/peers"));
    }

    [Fact]
    public async Task A_server_that_accepts_the_connection_and_never_answers_is_bounded_by_the_timeout()
    {
        // A bare listener: the kernel accepts the connection, nothing ever reads or writes.
        var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var url = new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}");
            using var client = new SoracomApiClient(url, TimeSpan.FromSeconds(1));
            using var accepted = new CancellationTokenSource();
            var accept = silent.AcceptTcpClientAsync(accepted.Token).AsTask();

            var clock = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<SoracomApiException>(() => client.AuthenticateAsync(Key, Ct));

            Assert.Equal(SoracomFailure.Timeout, error.Failure);
            Assert.Contains("no complete reply within 1 s (soracom.timeout)", error.Message, StringComparison.Ordinal);
            Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(3));
            using var connection = await accept;
            Assert.True(connection.Connected);
        }
        finally
        {
            silent.Stop();
        }
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
