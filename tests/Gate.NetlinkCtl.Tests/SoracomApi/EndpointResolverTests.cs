using System.Net;
using Gate.NetlinkCtl.SoracomApi;
using Gate.NetlinkCtl.State;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using static Gate.NetlinkCtl.Tests.Reconcile.SampleGates;

namespace Gate.NetlinkCtl.Tests.SoracomApi;

/// <summary>The resolver's decisions (API, cache, held), with the API as a substitute and a real cache directory.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class EndpointResolverTests : IDisposable
{
    private static readonly IReadOnlyList<GatePeer> Answer =
    [
        new(IPAddress.Parse("203.0.113.4"), null, false),
        new(IPAddress.Parse("203.0.113.132"), null, false),
    ];

    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("gatectl-resolve-").FullName;
    private readonly IGatePeerSource _api = Substitute.For<IGatePeerSource>();
    private DateTimeOffset _now = new(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DesiredState State(string[]? endpoints = null, TimeSpan? refresh = null) =>
        Desired(Soracom(endpoints: endpoints ?? []) with
        {
            Soracom = new SoracomSource("vpg-test01", SoracomCoverage.Jp, new SoracomCredentialsSource(null, true))
            {
                RefreshInterval = refresh ?? TimeSpan.FromMinutes(1),
            },
        }) with
        { Host = HostSettings.Default with { StateDirectory = _stateDirectory } };

    private EndpointResolver Resolver() => new(_api, () => _now);

    private static VpgAnswer Vpg(IReadOnlyList<GatePeer> peers, uint vni = 10, string subnet = "198.18.0.0/15", bool opened = true) =>
        new(new VirtualPrivateGateway("vpg-test01", opened, vni, IPNetwork.Parse(subnet)), new GatePeerList(peers, []));

    [Fact]
    public async Task A_good_answer_becomes_the_gates_endpoints_and_is_cached_on_disk()
    {
        _api.ReadAsync(Arg.Any<SoracomSource>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(Vpg(Answer));

        var resolved = await Resolver().ResolveAsync(State(), Ct);

        Assert.Equal(["203.0.113.4", "203.0.113.132"], resolved.State.Gates[0].Endpoints.Select(e => e.ToString()));
        Assert.Empty(resolved.HeldGates);
        var source = Assert.Single(resolved.Resolutions);
        Assert.Equal(EndpointOrigin.Api, source.Origin);
        var cache = Path.Combine(_stateDirectory, "soracom", "vpg-test01.json");
        Assert.True(File.Exists(cache));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cache));
    }

    [Fact]
    public async Task When_the_API_fails_the_cached_answer_is_used_and_its_age_and_the_error_are_reported()
    {
        _api.ReadAsync(Arg.Any<SoracomSource>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(Vpg(Answer));
        await Resolver().ResolveAsync(State(), Ct);
        _api.ReadAsync(Arg.Any<SoracomSource>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).ThrowsAsync(new SoracomApiException(SoracomFailure.Status, "SORACOM API: GET /x: HTTP 500 Internal Server Error"));
        _now += TimeSpan.FromMinutes(12);

        // A new resolver: the cache on disk, not memory, carries the answer across a restart.
        var resolved = await Resolver().ResolveAsync(State(), Ct);

        Assert.Equal(["203.0.113.4", "203.0.113.132"], resolved.State.Gates[0].Endpoints.Select(e => e.ToString()));
        var source = Assert.Single(resolved.Resolutions);
        Assert.Equal(EndpointOrigin.Cache, source.Origin);
        Assert.Equal(
            "endpoints from cache, 12 minutes old (vpg-test01: 2 endpoints, 0 peers; API error: SORACOM API: GET /x: HTTP 500 Internal Server Error)",
            source.Describe(_now));
    }

    [Fact]
    public async Task With_neither_API_nor_cache_the_gate_is_held_as_it_is()
    {
        _api.ReadAsync(Arg.Any<SoracomSource>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).ThrowsAsync(new SoracomApiException(SoracomFailure.Timeout, "SORACOM API: POST /v1/auth: no complete reply within 10 s"));
        var desired = State();

        var resolved = await Resolver().ResolveAsync(desired, Ct);

        Assert.Equal(["soracom"], resolved.HeldGates.Select(r => r.Gate));
        Assert.Equal(desired.Gates, resolved.State.Gates);
        var source = Assert.Single(resolved.Resolutions);
        Assert.True(source.IsHeld);
        Assert.Contains("no cached answer yet", source.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_API_is_asked_at_most_once_per_refresh_interval_even_after_a_failure()
    {
        _api.ReadAsync(Arg.Any<SoracomSource>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(Vpg(Answer));
        var resolver = Resolver();

        await resolver.ResolveAsync(State(), Ct);
        _now += TimeSpan.FromSeconds(30);
        await resolver.ResolveAsync(State(), Ct);
        Assert.Single(_api.ReceivedCalls());

        _now += TimeSpan.FromSeconds(31);
        _api.ReadAsync(Arg.Any<SoracomSource>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).ThrowsAsync(new SoracomApiException(SoracomFailure.RateLimited, "rate limited"));
        var failed = await resolver.ResolveAsync(State(), Ct);
        _now += TimeSpan.FromSeconds(10);
        var again = await resolver.ResolveAsync(State(), Ct);

        Assert.Equal(2, _api.ReceivedCalls().Count());
        Assert.Equal(EndpointOrigin.Cache, failed.Resolutions[0].Origin);
        Assert.Equal(EndpointOrigin.Cache, again.Resolutions[0].Origin);
    }

    [Fact]
    public async Task An_answer_without_any_VPG_endpoint_is_not_trusted_with_the_flood_list()
    {
        _api.ReadAsync(Arg.Any<SoracomSource>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(Vpg(Answer));
        await Resolver().ResolveAsync(State(), Ct);
        _api.ReadAsync(Arg.Any<SoracomSource>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(Vpg([new GatePeer(IPAddress.Parse("198.51.100.20"), null, true)]));

        var resolved = await Resolver().ResolveAsync(State(), Ct);

        Assert.Equal(EndpointOrigin.Cache, resolved.Resolutions[0].Origin);
        Assert.Contains("list no VPG endpoint", resolved.Resolutions[0].Error, StringComparison.Ordinal);
        Assert.Equal(2, resolved.State.Gates[0].Endpoints.Count);
    }

    [Fact]
    public async Task A_state_without_soracom_sources_is_returned_as_it_is_without_asking()
    {
        var desired = Desired(Soracom());

        var resolved = await Resolver().ResolveAsync(desired, Ct);

        Assert.Same(desired, resolved.State);
        Assert.Empty(_api.ReceivedCalls());
    }

    [Fact]
    public async Task A_gate_that_does_not_fit_its_VPG_gets_one_problem_per_misfit_each_with_the_fix()
    {
        _api.ReadAsync(Arg.Any<SoracomSource>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(Vpg(Answer, vni: 20, subnet: "198.19.0.0/16", opened: false));

        var resolved = await Resolver().ResolveAsync(State(), Ct);

        var problems = Assert.Single(resolved.Resolutions).Problems;
        Assert.Equal(3, problems.Count);
        Assert.StartsWith("Gate is closed on vpg-test01 (gateOpened: false)", problems[0], StringComparison.Ordinal);
        Assert.Contains("open it", problems[0], StringComparison.Ordinal);
        Assert.Equal("vni 10 differs from the VPG's gateVxlanId 20 (vpg-test01), so the VPG would drop this host's frames; set vni: 20, or leave vni out to take it from the VPG", problems[1]);
        Assert.StartsWith("address 198.18.0.10/24 is outside the VPG's device subnet 198.19.0.0/16 (vpg-test01)", problems[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_vni_and_device_subnet_left_out_of_the_gate_are_taken_from_the_VPG()
    {
        _api.ReadAsync(Arg.Any<SoracomSource>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(Vpg(Answer, vni: 20, subnet: "198.18.0.0/15"));
        var state = State();
        state = state with { Gates = new EquatableList<GateSpec>([state.Gates[0] with { Soracom = state.Gates[0].Soracom! with { VniFromVpg = true, DeviceSubnetFromVpg = true } }]) };

        var resolved = await Resolver().ResolveAsync(state, Ct);

        Assert.Equal(20u, resolved.State.Gates[0].Vni);
        Assert.Equal(IPNetwork.Parse("198.18.0.0/15"), resolved.State.Gates[0].DeviceSubnet);
        Assert.Empty(resolved.Resolutions[0].Problems);
    }

    [Fact]
    public async Task A_vni_left_to_the_VPG_holds_the_gate_while_only_a_cache_without_the_VPGs_settings_is_known()
    {
        // A cache written before gatectl read the VPG has peers only.
        var cache = Path.Combine(_stateDirectory, "soracom", "vpg-test01.json");
        Directory.CreateDirectory(Path.GetDirectoryName(cache)!);
        await File.WriteAllTextAsync(cache, """{"vpgId":"vpg-test01","fetchedAt":"2026-11-30T05:00:00+00:00","peers":[{"outerIpAddress":"203.0.113.4","ownedByCustomer":false}]}""", Ct);
        _api.ReadAsync(Arg.Any<SoracomSource>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).ThrowsAsync(new SoracomApiException(SoracomFailure.Timeout, "SORACOM API: no complete reply within 10 s"));
        var state = State();
        state = state with { Gates = new EquatableList<GateSpec>([state.Gates[0] with { Soracom = state.Gates[0].Soracom! with { VniFromVpg = true } }]) };

        var resolved = await Resolver().ResolveAsync(state, Ct);

        Assert.Equal(["soracom"], resolved.HeldGates.Select(r => r.Gate));
        Assert.Contains("vni is taken from the VPG, whose Gate settings are not known yet", resolved.Resolutions[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Skipped_entries_are_named_in_the_resolution_and_the_usable_ones_are_used()
    {
        _api.ReadAsync(Arg.Any<SoracomSource>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(
            new VpgAnswer(new VirtualPrivateGateway("vpg-test01", true, 10, IPNetwork.Parse("198.18.0.0/15")), new GatePeerList(Answer, ["entry 3 (outerIpAddress 2001:db8::1, ownedByCustomer true): skipped, not IPv4"])));

        var resolved = await Resolver().ResolveAsync(State(), Ct);

        Assert.Equal(2, resolved.State.Gates[0].Endpoints.Count);
        Assert.EndsWith("; entry 3 (outerIpAddress 2001:db8::1, ownedByCustomer true): skipped, not IPv4", resolved.Resolutions[0].Describe(_now), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_stateDirectory, recursive: true);
}
