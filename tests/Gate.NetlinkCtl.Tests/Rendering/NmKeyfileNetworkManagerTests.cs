using System.Net;
using System.Text.Json;
using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Backends.NetworkManager;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.Rendering;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.Tests.Backends.NetworkManager;

namespace Gate.NetlinkCtl.Tests.Rendering;

/// <summary>The rendered keyfile loaded and activated by a real NetworkManager, then taken over by gatectl's NetworkManager backend.</summary>
public sealed class NmKeyfileNetworkManagerTests(NetworkManagerFixture fixture) : IClassFixture<NetworkManagerFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static DesiredState State() => new(
        StateSchema.ApiVersion,
        StateSchema.Kind,
        HostSettings.Default,
        new EquatableList<GateSpec>(
        [
            SampleStates.Gate("kf-main", "gkf1", 111, NetworkManagerFixture.Underlay, NetworkManagerFixture.Local, "198.18.11.10/24",
                mtu: 1400, learning: false, endpoints: ["192.0.2.1", "192.0.2.2"], peers: [],
                routes: [new RouteSpec(IPNetwork.Parse("198.19.11.0/24"), IPAddress.Parse("198.18.11.1"))]),
        ]));

    [Fact]
    public async Task NetworkManager_activates_the_rendered_keyfile_as_the_gate_and_gatectl_recognises_it_as_its_own()
    {
        var keyfile = Assert.Single(StateRenderer.Default.Render(State(), RenderFormat.NmKeyfile, "state.yaml"));

        await fixture.NetworkManager.LoadKeyfileAsync(keyfile.RelativePath, keyfile.Content);
        await fixture.NetworkManager.NmcliAsync("connection", "up", "gatectl-kf-main");

        Assert.Equal("activated", (await fixture.NetworkManager.NmcliAsync("-g", "GENERAL.STATE", "connection", "show", "gatectl-kf-main")).Trim());
        using var json = JsonDocument.Parse(await fixture.Namespace.IpAsync("-d", "-j", "link", "show", "dev", "gkf1"));
        var link = json.RootElement[0];
        var vxlan = link.GetProperty("linkinfo").GetProperty("info_data");
        Assert.Equal(111, vxlan.GetProperty("id").GetInt32());
        Assert.Equal(NetworkManagerFixture.Local, vxlan.GetProperty("local").GetString());
        Assert.Equal(NetworkManagerFixture.Underlay, vxlan.GetProperty("link").GetString());
        Assert.Equal(4789, vxlan.GetProperty("port").GetInt32());
        Assert.Equal(4789, vxlan.GetProperty("port_range").GetProperty("low").GetInt32());
        // Half-open in the kernel: 4789 4790 pins source port 4789 (4789 4789 would pin nothing).
        Assert.Equal(4790, vxlan.GetProperty("port_range").GetProperty("high").GetInt32());
        Assert.False(vxlan.GetProperty("learning").GetBoolean());
        Assert.Equal(1400, link.GetProperty("mtu").GetInt32());
        Assert.Contains("198.18.11.10/24", await fixture.Namespace.IpAsync("-o", "-4", "address", "show", "dev", "gkf1"), StringComparison.Ordinal);

        // What the profile cannot carry (the flood list) is all that gatectl's backend has left to do; the profile is its own.
        var reconciler = new GateReconciler(NetworkManagerBackends.Register(BackendSelector.Default, fixture.NetworkManager.BusAddress));
        var context = new ReconcileContext(fixture.Namespace.Name, BackendKind.NetworkManager);
        var plan = await reconciler.PlanAsync(State(), context, Token);
        var apply = await reconciler.ApplyAsync(State(), context, Token);
        var again = await reconciler.ApplyAsync(State(), context, Token);

        Assert.Empty(plan.Plan.Problems);
        Assert.DoesNotContain(plan.Plan.Steps, s => s is CreateDevice or RecreateDevice);
        Assert.Contains(plan.Plan.Steps, s => s.Action == "add-flood");
        Assert.True(apply.Succeeded, apply.Failure?.Message);
        Assert.True(again.WasInSync, string.Join("; ", again.Plan.Steps));
    }
}
