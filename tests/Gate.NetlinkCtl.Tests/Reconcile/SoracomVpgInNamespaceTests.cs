using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Apply;
using Gate.NetlinkCtl.SoracomApi;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;
using static Gate.NetlinkCtl.Tests.Reconcile.SampleGates;

namespace Gate.NetlinkCtl.Tests.Reconcile;

/// <summary>
/// A gate checked against its VPG (read from the contract-checked API server of the test) and this host registered
/// with it, applied in a private namespace: a misfit is refused with nothing changed; registration is idempotent and
/// undone by delete.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SoracomVpgInNamespaceTests : IAsyncDisposable
{
    private readonly FakeSoracomApi _api = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("gatectl-vpg-").FullName;

    public SoracomVpgInNamespaceTests()
    {
        _api.AddPeer("203.0.113.4", null, owned: false);
        _api.AddPeer("203.0.113.132", null, owned: false);
        var credentials = Path.Combine(_directory, "soracom.json");
        File.WriteAllText(credentials, $$"""{"authKeyId": "{{FakeSoracomApi.AuthKeyId}}", "authKey": "{{FakeSoracomApi.AuthKeySecret}}"}""");
        File.SetUnixFileMode(credentials, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Source = new SoracomSource(_api.VpgId, SoracomCoverage.Jp, new SoracomCredentialsSource(credentials, false))
        {
            ApiUrl = _api.BaseUrl,
            Timeout = TimeSpan.FromSeconds(1),
            RefreshInterval = TimeSpan.FromSeconds(1),
        };
    }

    private SoracomSource Source { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("vni", "vni 10 differs from the VPG's gateVxlanId 20 (vpg-test01), so the VPG would drop this host's frames; set vni: 20, or leave vni out")]
    [InlineData("subnet", "address 198.18.0.10/24 is outside the VPG's device subnet 198.19.0.0/16 (vpg-test01), so devices cannot reach it; choose an address inside 198.19.0.0/16")]
    [InlineData("closed", "Gate is closed on vpg-test01 (gateOpened: false), so no traffic reaches a Gate Peer; open it")]
    public async Task A_gate_that_does_not_fit_its_VPG_is_refused_with_the_fix_and_nothing_changes_on_the_host(string misfit, string says)
    {
        await using var host = await GateHost.CreateAsync(BackendKind.Netlink);
        switch (misfit)
        {
            case "vni":
                _api.GateVxlanId = 20;
                break;
            case "subnet":
                _api.DeviceSubnetCidrRange = "198.19.0.0/16";
                break;
            default:
                _api.GateOpened = false;
                break;
        }

        var before = await KernelSnapshot.TakeAsync(host.Namespace);

        var plan = await new GateReconciler().PlanAsync(State(), host.Context, Ct);
        var apply = await new GateReconciler().ApplyAsync(State(), host.Context, Ct);

        Assert.Contains(plan.Plan.Problems, p => p.Gate == "soracom" && p.Message.StartsWith(says, StringComparison.Ordinal));
        Assert.Equal(ApplyStage.Plan, apply.Failure?.Stage);
        Assert.Contains(says, apply.Failure!.Message, StringComparison.Ordinal);
        Assert.StartsWith("nothing was changed: ", apply.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(before, await KernelSnapshot.TakeAsync(host.Namespace));
    }

    [Fact]
    public async Task A_vni_and_device_subnet_left_out_are_the_VPGs_own()
    {
        await using var host = await GateHost.CreateAsync(BackendKind.Netlink);
        _api.GateVxlanId = 20;

        var apply = await new GateReconciler().ApplyAsync(State(Source with { VniFromVpg = true, DeviceSubnetFromVpg = true }), host.Context, Ct);

        Assert.Null(apply.Failure);
        Assert.Contains("vxlan id 20 ", await host.Namespace.IpAsync("-d", "link", "show", "gate0"), StringComparison.Ordinal);
        Assert.Equal("198.18.0.0/15", apply.Desired!.Gates[0].DeviceSubnet.ToString());
    }

    [Fact]
    public async Task With_register_apply_registers_this_host_once_and_delete_unregisters_it()
    {
        await using var host = await GateHost.CreateAsync(BackendKind.Netlink);
        var state = State(Source with { Register = true });

        var first = await new GateReconciler().ApplyAsync(state, host.Context, Ct);
        var second = await new GateReconciler().ApplyAsync(state, host.Context, Ct);

        Assert.Null(first.Failure);
        var registered = Assert.Single(first.Registrations);
        Assert.Equal(("registered", "192.0.2.10", "198.18.0.10"), (registered.Result, registered.Outer, registered.Inner));
        Assert.Contains(("192.0.2.10", "198.18.0.10", true), _api.Peers);
        Assert.True(second.WasInSync);
        Assert.Empty(second.Registrations);
        Assert.Equal(1, _api.Count("POST", "/gate/peers"));
        // The VPG's endpoints only: this host's own registration never becomes a flood destination.
        Assert.DoesNotContain("dst 192.0.2.10 ", await host.Namespace.BridgeAsync("fdb", "show", "dev", "gate0"), StringComparison.Ordinal);

        var delete = await new GateReconciler().DeleteAsync(state, host.Context, Ct);

        Assert.Null(delete.Failure);
        Assert.Equal("unregistered", Assert.Single(delete.Registrations).Result);
        Assert.DoesNotContain(_api.Peers, p => p.Outer == "192.0.2.10");
        Assert.DoesNotContain("gate0", await host.Namespace.IpAsync("-br", "link"), StringComparison.Ordinal);
        Assert.Equal(1, _api.Count("DELETE", "/gate/peers/192.0.2.10"));
    }

    [Fact]
    public async Task Without_register_nothing_is_registered_and_delete_leaves_the_VPG_alone()
    {
        await using var host = await GateHost.CreateAsync(BackendKind.Netlink);

        Assert.Null((await new GateReconciler().ApplyAsync(State(), host.Context, Ct)).Failure);
        Assert.Null((await new GateReconciler().DeleteAsync(State(), host.Context, Ct)).Failure);

        Assert.Equal(0, _api.Count("POST", "/gate/peers"));
        Assert.Equal(0, _api.Count("DELETE", "/gate/peers/192.0.2.10"));
    }

    [Fact]
    public async Task A_SAM_user_without_listGatePeers_holds_the_gate_and_says_which_permission_is_missing()
    {
        await using var host = await GateHost.CreateAsync(BackendKind.Netlink);
        _api.Denied.Add("listGatePeers");

        var apply = await new GateReconciler().ApplyAsync(State(), host.Context, Ct);

        var source = Assert.Single(apply.Sources);
        Assert.True(source.IsHeld);
        Assert.Contains("HTTP 403 Forbidden (SEM0016: You are not allowed to call VirtualPrivateGateway:listGatePeers): the SAM user lacks the permission VirtualPrivateGateway:listGatePeers", source.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("gate0", await host.Namespace.IpAsync("-br", "link"), StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await _api.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private DesiredState State(SoracomSource? source = null) =>
        Desired(Soracom(endpoints: [], routes: []) with { Soracom = source ?? Source }) with
        {
            Host = HostSettings.Default with { StateDirectory = Path.Combine(_directory, "state") },
        };
}
