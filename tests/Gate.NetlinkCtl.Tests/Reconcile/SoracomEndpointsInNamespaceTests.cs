using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Diff;
using Gate.NetlinkCtl.SoracomApi;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;
using static Gate.NetlinkCtl.Tests.Reconcile.SampleGates;

namespace Gate.NetlinkCtl.Tests.Reconcile;

/// <summary>
/// A gate whose endpoints come from the SORACOM API (a local server of the test's own), applied in a private namespace:
/// it follows the API's changes, and no way the API can fail (500, timeout, malformed JSON, 401, 429) removes a working gate.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SoracomEndpointsInNamespaceTests : IAsyncDisposable
{
    private const string Flood = "00:00:00:00:00:00";
    private readonly FakeSoracomApi _api = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("gatectl-soracom-").FullName;

    public SoracomEndpointsInNamespaceTests()
    {
        _api.AddPeer("203.0.113.4", null, owned: false);
        _api.AddPeer("203.0.113.132", null, owned: false);
        _api.AddPeer("192.0.2.10", "198.18.0.10", owned: true);     // this host
        _api.AddPeer("198.51.100.20", "198.18.0.20", owned: true);  // another Gate Peer
        var credentials = Path.Combine(_directory, "soracom.json");
        File.WriteAllText(credentials, $$"""{"authKeyId": "{{FakeSoracomApi.AuthKeyId}}", "authKey": "{{FakeSoracomApi.AuthKeySecret}}"}""");
        File.SetUnixFileMode(credentials, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Desired = SampleGates.Desired(Soracom(endpoints: [], routes: []) with
        {
            Soracom = new SoracomSource(_api.VpgId, SoracomCoverage.Jp, new SoracomCredentialsSource(credentials, false))
            {
                ApiUrl = _api.BaseUrl,
                Timeout = TimeSpan.FromSeconds(1),
                RefreshInterval = TimeSpan.FromSeconds(1),
            },
        }) with
        { Host = HostSettings.Default with { StateDirectory = Path.Combine(_directory, "state") } };
    }

    private DesiredState Desired { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_gate_gets_the_VPGs_endpoints_and_the_other_customers_peer_and_follows_their_changes()
    {
        await using var host = await GateHost.CreateAsync(BackendKind.Netlink);

        var first = await new GateReconciler().ApplyAsync(Desired, host.Context, Ct);

        Assert.Null(first.Failure);
        Assert.Equal(EndpointOrigin.Api, Assert.Single(first.Sources).Origin);
        Assert.Equal(["198.51.100.20", "203.0.113.132", "203.0.113.4"], await FloodsAsync(host));

        _api.AddPeer("203.0.113.200", null, owned: false);
        _api.RemovePeer("203.0.113.132");
        var second = await new GateReconciler().ApplyAsync(Desired, host.Context, Ct);

        Assert.Null(second.Failure);
        Assert.Equal(["198.51.100.20", "203.0.113.200", "203.0.113.4"], await FloodsAsync(host));
        Assert.Equal(2, second.Executed.Count);
    }

    [Theory]
    [InlineData("500")]
    [InlineData("timeout")]
    [InlineData("malformed")]
    [InlineData("401")]
    [InlineData("429")]
    public async Task A_failing_API_leaves_the_gate_working_on_the_cached_endpoints(string failure)
    {
        await using var host = await GateHost.CreateAsync(BackendKind.Netlink);
        Assert.Null((await new GateReconciler().ApplyAsync(Desired, host.Context, Ct)).Failure);
        var before = await FloodsAsync(host);
        _api.Fault = failure switch
        {
            "500" => FakeResponse.ServerError,
            "timeout" => FakeResponse.Slow(TimeSpan.FromSeconds(5)),
            "malformed" => FakeResponse.Malformed,
            "429" => FakeResponse.TooManyRequests(60),
            _ => FakeResponse.Unauthorized,
        };

        var apply = await new GateReconciler().ApplyAsync(Desired, host.Context, Ct);
        var diff = await new GateReconciler().DiffAsync(Desired, host.Context, Ct);

        Assert.Null(apply.Failure);
        Assert.True(apply.WasInSync, string.Join("; ", apply.Executed.Select(s => s.Describe())));
        Assert.Equal(before, await FloodsAsync(host));
        var source = Assert.Single(diff.Sources);
        Assert.Equal(EndpointOrigin.Cache, source.Origin);
        Assert.StartsWith("endpoints from cache, ", source.Describe(DateTimeOffset.UtcNow), StringComparison.Ordinal);
        Assert.True(diff.InSync);
        Assert.Contains(failure switch
        {
            "500" => "HTTP 500",
            "timeout" => "no complete reply within 1 s",
            "malformed" => "not the JSON the API documents",
            "429" => "rate limited, retry after 60 s",
            _ => "credentials were refused",
        }, source.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_API_and_cache_a_working_gate_is_held_as_it_is_and_diff_says_so()
    {
        await using var host = await GateHost.CreateAsync(BackendKind.Netlink);
        Assert.Null((await new GateReconciler().ApplyAsync(Desired, host.Context, Ct)).Failure);
        var before = await FloodsAsync(host);
        Directory.Delete(Path.Combine(_directory, "state"), recursive: true);
        _api.Fault = FakeResponse.ServerError;

        var apply = await new GateReconciler().ApplyAsync(Desired, host.Context, Ct);
        var diff = await new GateReconciler().DiffAsync(Desired, host.Context, Ct);

        Assert.Null(apply.Failure);
        Assert.Empty(apply.Executed);
        Assert.True(Assert.Single(apply.Sources).IsHeld);
        Assert.Equal(before, await FloodsAsync(host));
        Assert.Contains("alias gatectl:soracom", await host.Namespace.IpAsync("-d", "link", "show", "gate0"), StringComparison.Ordinal);
        Assert.Equal(GateStatus.Held, Assert.Single(diff.Gates).Status);
        Assert.False(diff.InSync);
    }

    public async ValueTask DisposeAsync()
    {
        await _api.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<string[]> FloodsAsync(GateHost host) =>
        [.. (await host.Namespace.BridgeAsync("fdb", "show", "dev", "gate0"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith(Flood, StringComparison.Ordinal) && l.Contains("permanent", StringComparison.Ordinal))
            .Select(l => l.Split(' ')[2])
            .Order(StringComparer.Ordinal)];
}
