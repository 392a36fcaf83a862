using System.Text.Json;
using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Backends.NetworkManager;
using Gate.NetlinkCtl.Backends.NetworkManager.Profiles;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Diff;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;
using Gate.NetlinkCtl.Tests.Reconcile;

namespace Gate.NetlinkCtl.Tests.Backends.NetworkManager;

/// <summary>The NetworkManager backend against a real NetworkManager: every gate here is a NetworkManager profile.</summary>
public sealed class NetworkManagerBackendTests(NetworkManagerFixture fixture) : IClassFixture<NetworkManagerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private GateReconciler Reconciler => new(NetworkManagerBackends.Register(BackendSelector.Default, fixture.NetworkManager.BusAddress));

    private ReconcileContext Context => new(fixture.Namespace.Name, BackendKind.NetworkManager);

    [Fact]
    public async Task An_applied_gate_is_a_networkmanager_profile_with_its_flood_entries_and_routes_and_a_second_apply_changes_nothing()
    {
        var gate = SampleGates.Soracom("nm-create", "gnm1", vni: 101, address: "198.18.1.10/24", routes: [("198.19.1.0/24", "198.18.1.1")]);

        var first = await Reconciler.ApplyAsync(SampleGates.Desired(gate), Context, Ct);
        var second = await Reconciler.ApplyAsync(SampleGates.Desired(gate), Context, Ct);

        Assert.True(first.Succeeded, first.Failure?.Message);
        Assert.Equal("networkmanager", first.Backend);
        Assert.True(second.WasInSync, string.Join("; ", second.Plan.Steps));
        Assert.Equal("gnm1", (await Nmcli("-g", "connection.interface-name", "connection", "show", "gatectl-nm-create")).Trim());
        Assert.Equal("activated", (await Nmcli("-g", "GENERAL.STATE", "connection", "show", "gatectl-nm-create")).Trim());
        Assert.Contains("uuid=" + ProfileIdentity.UuidFor("nm-create"), await File.ReadAllTextAsync(Path.Combine(fixture.NetworkManager.KeyfileDirectory, "gatectl-nm-create.nmconnection"), Ct), StringComparison.Ordinal);
        var link = await LinkAsync("gnm1");
        var vxlan = link.GetProperty("linkinfo").GetProperty("info_data");
        Assert.Equal(101, vxlan.GetProperty("id").GetInt32());
        Assert.Equal("192.0.2.10", vxlan.GetProperty("local").GetString());
        Assert.Equal("u0", vxlan.GetProperty("link").GetString());
        Assert.Equal(4789, vxlan.GetProperty("port").GetInt32());
        // Half-open in the kernel: 4789 4790 pins source port 4789 (4789 4789 would pin nothing).
        Assert.Equal(4790, vxlan.GetProperty("port_range").GetProperty("high").GetInt32());
        Assert.False(vxlan.GetProperty("learning").GetBoolean());
        Assert.Equal(1450, link.GetProperty("mtu").GetInt32());
        Assert.Contains("198.18.1.10/24", await fixture.Namespace.IpAsync("-o", "-4", "addr", "show", "dev", "gnm1"), StringComparison.Ordinal);
        Assert.Equal(["192.0.2.1", "192.0.2.2"], await FloodsAsync("gnm1"));
        Assert.Contains("198.19.1.0/24 via 198.18.1.1 proto 147", await fixture.Namespace.IpAsync("route", "show", "dev", "gnm1"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_mtu_and_endpoints_updates_the_profile_in_place_and_keeps_the_device()
    {
        var before = SampleGates.Soracom("nm-update", "gnm2", vni: 102, mtu: 1400, address: "198.18.2.10/24", endpoints: ["192.0.2.1", "192.0.2.2"], routes: []);
        var after = before with { Mtu = 1300, Endpoints = SampleGates.Soracom(endpoints: ["192.0.2.1", "192.0.2.3"]).Endpoints };
        Assert.True((await Reconciler.ApplyAsync(SampleGates.Desired(before), Context, Ct)).Succeeded);
        var index = (await LinkAsync("gnm2")).GetProperty("ifindex").GetInt32();

        var result = await Reconciler.ApplyAsync(SampleGates.Desired(after), Context, Ct);

        Assert.True(result.Succeeded, result.Failure?.Message);
        var link = await LinkAsync("gnm2");
        Assert.Equal(1300, link.GetProperty("mtu").GetInt32());
        Assert.Equal(index, link.GetProperty("ifindex").GetInt32());
        Assert.Equal(["192.0.2.1", "192.0.2.3"], await FloodsAsync("gnm2"));
        Assert.Equal("1300", (await Nmcli("-g", "802-3-ethernet.mtu", "connection", "show", "gatectl-nm-update")).Trim());
    }

    [Fact]
    public async Task Deleting_a_gate_removes_its_profile_its_keyfile_and_its_device()
    {
        var gate = SampleGates.Soracom("nm-delete", "gnm3", vni: 103, address: "198.18.3.10/24", routes: []);
        Assert.True((await Reconciler.ApplyAsync(SampleGates.Desired(gate), Context, Ct)).Succeeded);

        var result = await Reconciler.DeleteAsync(SampleGates.Desired(gate), Context, Ct);

        Assert.True(result.Succeeded, result.Failure?.Message);
        Assert.DoesNotContain("gatectl-nm-delete", await Nmcli("-t", "-f", "NAME", "connection", "show"), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(fixture.NetworkManager.KeyfileDirectory, "gatectl-nm-delete.nmconnection")));
        Assert.DoesNotContain("gnm3", await fixture.Namespace.IpAsync("-o", "link", "show"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_networkmanager_restarts_and_recreates_the_device_apply_restores_the_flood_entries()
    {
        var gate = SampleGates.Soracom("nm-restart", "gnm4", vni: 104, address: "198.18.4.10/24", routes: [("198.19.4.0/24", "198.18.4.1")]);
        var desired = SampleGates.Desired(gate);
        Assert.True((await Reconciler.ApplyAsync(desired, Context, Ct)).Succeeded);

        // A plain restart: the device stays, NetworkManager only knows it as external until gatectl reactivates the profile.
        await fixture.NetworkManager.RestartAsync();
        Assert.Equal(["192.0.2.1", "192.0.2.2"], await FloodsAsync("gnm4"));
        var afterRestart = await Reconciler.ApplyAsync(desired, Context, Ct);
        Assert.True(afterRestart.Succeeded, afterRestart.Failure?.Message);
        Assert.True((await Reconciler.DiffAsync(desired, Context, Ct)).InSync);

        // A reboot-like restart: the device is gone while NetworkManager is down; autoconnect brings it back bare.
        await fixture.NetworkManager.StopAsync();
        await fixture.Namespace.IpAsync("link", "del", "gnm4");
        await fixture.NetworkManager.StartAsync();
        Assert.True(await Poll.UntilAsync(async () => (await fixture.Namespace.IpAsync("-o", "link", "show")).Contains("gnm4", StringComparison.Ordinal)),
            "NetworkManager did not bring gnm4 back from its profile");
        Assert.Empty(await FloodsAsync("gnm4"));
        var drift = await Reconciler.DiffAsync(desired, Context, Ct);
        var repaired = await Reconciler.ApplyAsync(desired, Context, Ct);

        Assert.False(drift.InSync);
        Assert.True(repaired.Succeeded, repaired.Failure?.Message);
        Assert.Contains(repaired.Executed, s => s.Action == "add-flood");
        Assert.Equal(["192.0.2.1", "192.0.2.2"], await FloodsAsync("gnm4"));
        Assert.Contains("198.19.4.0/24 via 198.18.4.1 proto 147", await fixture.Namespace.IpAsync("route", "show", "dev", "gnm4"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_profile_changed_with_nmcli_is_drift_that_apply_repairs()
    {
        var gate = SampleGates.Soracom("nm-drift", "gnm5", vni: 105, mtu: 1400, address: "198.18.5.10/24", routes: []);
        var desired = SampleGates.Desired(gate);
        Assert.True((await Reconciler.ApplyAsync(desired, Context, Ct)).Succeeded);

        await Nmcli("connection", "modify", "gatectl-nm-drift", "802-3-ethernet.mtu", "1280", "vxlan.id", "199");
        var drift = await Reconciler.DiffAsync(desired, Context, Ct);
        var repaired = await Reconciler.ApplyAsync(desired, Context, Ct);

        Assert.False(drift.InSync);
        Assert.True(repaired.Succeeded, repaired.Failure?.Message);
        Assert.Equal("105", (await Nmcli("-g", "vxlan.id", "connection", "show", "gatectl-nm-drift")).Trim());
        Assert.Equal("1400", (await Nmcli("-g", "802-3-ethernet.mtu", "connection", "show", "gatectl-nm-drift")).Trim());
        var link = await LinkAsync("gnm5");
        Assert.Equal(105, link.GetProperty("linkinfo").GetProperty("info_data").GetProperty("id").GetInt32());
        Assert.Equal(1400, link.GetProperty("mtu").GetInt32());
        Assert.Equal(["192.0.2.1", "192.0.2.2"], await FloodsAsync("gnm5"));
    }

    [Fact]
    public async Task A_profile_deleted_with_nmcli_is_reported_missing_and_apply_makes_it_again()
    {
        var gate = SampleGates.Soracom("nm-gone", "gnm6", vni: 106, address: "198.18.6.10/24", routes: []);
        var desired = SampleGates.Desired(gate);
        Assert.True((await Reconciler.ApplyAsync(desired, Context, Ct)).Succeeded);

        await Nmcli("connection", "delete", "gatectl-nm-gone");
        Assert.True(await Poll.UntilAsync(async () => !(await fixture.Namespace.IpAsync("-o", "link", "show")).Contains("gnm6", StringComparison.Ordinal)));
        var drift = await Reconciler.DiffAsync(desired, Context, Ct);
        var repaired = await Reconciler.ApplyAsync(desired, Context, Ct);

        Assert.Equal(GateStatus.Missing, Assert.Single(drift.Gates).Status);
        Assert.True(repaired.Succeeded, repaired.Failure?.Message);
        Assert.Contains("gatectl-nm-gone", await Nmcli("-t", "-f", "NAME", "connection", "show", "--active"), StringComparison.Ordinal);
        Assert.Equal(["192.0.2.1", "192.0.2.2"], await FloodsAsync("gnm6"));
    }

    private Task<string> Nmcli(params string[] args) => fixture.NetworkManager.NmcliAsync(args);

    private async Task<JsonElement> LinkAsync(string name) =>
        JsonDocument.Parse(await fixture.Namespace.IpAsync("-d", "-j", "link", "show", "dev", name)).RootElement[0];

    private async Task<string[]> FloodsAsync(string device)
    {
        var entries = JsonDocument.Parse(await fixture.Namespace.BridgeAsync("-j", "fdb", "show", "dev", device)).RootElement;
        return [.. entries.EnumerateArray()
            .Where(e => e.GetProperty("mac").GetString() == "00:00:00:00:00:00" && e.TryGetProperty("dst", out _))
            .Select(e => e.GetProperty("dst").GetString()!)
            .Order(StringComparer.Ordinal)];
    }
}
