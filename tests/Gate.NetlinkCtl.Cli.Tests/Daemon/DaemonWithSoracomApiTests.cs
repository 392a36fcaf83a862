using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Daemon;

/// <summary>
/// <c>gatectl run</c> with a gate whose endpoints come from the SORACOM API (a local server of the test's own): the
/// daemon follows endpoints added and removed at the API, and keeps the gate working while the API fails in every way.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DaemonWithSoracomApiTests
{
    private const string Flood = "00:00:00:00:00:00";

    private static string State(RunningDaemon d, FakeSoracomApi api) => new StateYaml
    {
        ReconcileInterval = "1s",
        StateDirectory = $"{d.Directory}/state",
        Gates = [new GateYaml { Soracom = new SoracomYaml(api.VpgId, api.BaseUrl, $"{d.Directory}/soracom.json") { RefreshInterval = "1s" } }],
    }.ToString();

    [Fact]
    public async Task The_daemon_follows_endpoints_added_and_removed_at_the_API()
    {
        await using var api = NewApi();
        await using var d = await StartAsync(api);
        await d.WaitUntilAsync(async () => (await FdbAsync(d)).Contains($"{Flood} dst 203.0.113.132 self permanent", StringComparison.Ordinal), "the API's endpoints");
        Assert.Contains($"{Flood} dst 198.51.100.20 self permanent", await FdbAsync(d), StringComparison.Ordinal);

        api.AddPeer("203.0.113.200", null, owned: false);
        await d.WaitUntilAsync(async () => (await FdbAsync(d)).Contains($"{Flood} dst 203.0.113.200 self permanent", StringComparison.Ordinal), "the added endpoint");
        api.RemovePeer("203.0.113.132");
        await d.WaitUntilAsync(async () => !(await FdbAsync(d)).Contains("dst 203.0.113.132 ", StringComparison.Ordinal), "the removed endpoint to go");

        var fdb = await FdbAsync(d);
        Assert.Contains($"{Flood} dst 203.0.113.4 self permanent", fdb, StringComparison.Ordinal);
        Assert.Contains($"{Flood} dst 198.51.100.20 self permanent", fdb, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSoracomApi.AuthKeySecret, d.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_gate_keeps_working_while_the_API_answers_500_times_out_sends_malformed_JSON_or_refuses_the_key()
    {
        await using var api = NewApi();
        await using var d = await StartAsync(api);
        await d.WaitUntilAsync(async () => (await FdbAsync(d)).Contains($"{Flood} dst 203.0.113.132 self permanent", StringComparison.Ordinal), "the API's endpoints");
        var working = await FdbAsync(d);

        foreach (var (fault, says) in new[]
        {
            (FakeResponse.ServerError, "HTTP 500 Internal Server Error"),
            (FakeResponse.Slow(TimeSpan.FromSeconds(5)), "no complete reply within 1 s"),
            (FakeResponse.Malformed, "not the JSON the API documents"),
            (FakeResponse.Unauthorized, "the credentials were refused"),
        })
        {
            api.Fault = fault;
            await d.WaitUntilAsync(() => Task.FromResult(d.Log.Contains(says, StringComparison.Ordinal)), $"the daemon to log '{says}'");
            var seen = DateTimeOffset.UtcNow;
            var status = await d.WaitForStatusAsync(s => s.LastReconcile?.StartedAt > seen, "a reconcile with the API failing");

            Assert.Equal(working, await FdbAsync(d));
            Assert.Equal(0, status.ConsecutiveFailures);
            Assert.Contains("endpoints from cache", d.Log, StringComparison.Ordinal);
        }

        // Back to good: the next answer is followed again.
        api.Fault = null;
        api.AddPeer("203.0.113.200", null, owned: false);
        await d.WaitUntilAsync(async () => (await FdbAsync(d)).Contains($"{Flood} dst 203.0.113.200 self permanent", StringComparison.Ordinal), "the endpoint added after the outage");
        Assert.DoesNotContain(FakeSoracomApi.AuthKeySecret, d.Log, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSoracomApi.Token, d.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_daemon_keeps_its_token_logs_in_again_only_when_the_server_ends_it_and_logs_out_when_it_stops()
    {
        await using var api = NewApi();
        // The server grants 3 s whatever gatectl asks (24 h): each end shows as a 401, answered by exactly one login.
        api.TokenLifetime = TimeSpan.FromSeconds(3);
        await using var d = await StartAsync(api);
        await d.WaitUntilAsync(async () => (await FdbAsync(d)).Contains($"{Flood} dst 203.0.113.132 self permanent", StringComparison.Ordinal), "the API's endpoints");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(8), TestContext.Current.CancellationToken);

        d.Signal(Signals.Terminate);
        Assert.Equal(0, await d.WaitForExitAsync());

        var requests = api.Requests;
        var reads = api.Count("GET", "/gate/peers");
        // A login right after a read: that read was refused (401), the token having ended at the server.
        var refused = requests.Zip(requests.Skip(1)).Count(pair => pair.First.Method == "GET" && pair.Second.Path == "/v1/auth");
        Assert.True(reads >= 6, $"{reads} reads of the peers in {clock.Elapsed.TotalSeconds:0.0} s at refreshInterval 1s");
        Assert.True(api.Logins <= 2 + (int)(clock.Elapsed.TotalSeconds / 3), $"{api.Logins} logins for {reads} reads");
        Assert.Equal(api.Logins - 1, refused);
        var logout = Assert.Single(requests, r => r.Path == "/v1/auth/logout");
        Assert.Same(logout, requests[^1]);
        Assert.Equal($"{FakeSoracomApi.Token}-{api.Logins}", logout.Headers["X-Soracom-Token"]);
        Assert.DoesNotContain(FakeSoracomApi.Token, d.Log, StringComparison.Ordinal);
    }

    private static FakeSoracomApi NewApi()
    {
        var api = new FakeSoracomApi();
        api.AddPeer("203.0.113.4", null, owned: false);
        api.AddPeer("203.0.113.132", null, owned: false);
        api.AddPeer("192.0.2.10", "198.18.0.10", owned: true);
        api.AddPeer("198.51.100.20", "198.18.0.20", owned: true);
        return api;
    }

    private static async Task<RunningDaemon> StartAsync(FakeSoracomApi api)
    {
        var d = await RunningDaemon.CreateAsync(d => State(d, api));
        try
        {
            var credentials = Path.Combine(d.Directory, "soracom.json");
            await File.WriteAllTextAsync(credentials, $$"""{"authKeyId": "{{FakeSoracomApi.AuthKeyId}}", "authKey": "{{FakeSoracomApi.AuthKeySecret}}"}""");
            File.SetUnixFileMode(credentials, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            await d.StartAsync();
            return d;
        }
        catch
        {
            await d.DisposeAsync();
            throw;
        }
    }

    private static async Task<string> FdbAsync(RunningDaemon d)
    {
        try
        {
            return await d.Namespace.BridgeAsync("fdb", "show", "dev", "vxlab0");
        }
        catch (InvalidOperationException)
        {
            return "";
        }
    }
}
