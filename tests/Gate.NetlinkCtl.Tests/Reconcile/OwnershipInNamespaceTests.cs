using Gate.NetlinkCtl.Reconcile.Diff;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.State;
using static Gate.NetlinkCtl.Tests.Reconcile.SampleGates;

namespace Gate.NetlinkCtl.Tests.Reconcile;

/// <summary>gatectl changes only what it made: foreign objects survive apply and delete, and show round-trips.</summary>
public sealed class OwnershipInNamespaceTests
{
    /// <summary>The backends every namespace test runs on.</summary>
    public static TheoryData<BackendKind> Backends => ApplyInNamespaceTests.Backends;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Foreign_fdb_entries_routes_and_vxlan_devices_stay_untouched(BackendKind backend)
    {
        await using var host = await GateHost.CreateAsync(backend);
        Assert.Null((await host.Reconciler.ApplyAsync(Desired(Soracom()), host.Context, Ct)).Failure);
        await host.Namespace.BridgeAsync("fdb", "add", "02:11:22:33:44:55", "dev", "gate0", "dst", "192.0.2.99", "self", "permanent");
        await host.Namespace.IpAsync("route", "add", "198.21.0.0/24", "via", "198.18.0.2", "dev", "gate0", "proto", "static");
        await host.Namespace.IpAsync("link", "add", "vxf0", "type", "vxlan", "id", "10", "dstport", "4790", "dev", "u0");
        var changed = Desired(Soracom(endpoints: ["192.0.2.1", "192.0.2.3"]));

        var report = await host.Reconciler.DiffAsync(changed, host.Context, Ct);
        var result = await host.Reconciler.ApplyAsync(changed, host.Context, Ct);
        var fdb = await host.Namespace.BridgeAsync("fdb", "show", "dev", "gate0");
        var routes = await host.Namespace.IpAsync("route", "show", "dev", "gate0");
        var deleted = await host.Reconciler.DeleteAsync(changed, host.Context, Ct);

        Assert.Contains(new ForeignObject("gate0", ForeignKind.FdbEntry, "fdb 02:11:22:33:44:55 dst 192.0.2.99 permanent"), report.Foreign);
        Assert.Contains(new ForeignObject("gate0", ForeignKind.Route, "route 198.21.0.0/24 via 198.18.0.2 proto 4"), report.Foreign);
        Assert.Contains(report.Foreign, f => f is { Interface: "vxf0", Kind: ForeignKind.Device });
        Assert.Equal(
            ["remove flood entry 00:00:00:00:00:00 dst 192.0.2.2 from gate0", "add flood entry 00:00:00:00:00:00 dst 192.0.2.3 to gate0"],
            result.Executed.Select(s => s.Describe()));
        Assert.Null(result.Failure);
        Assert.Contains("02:11:22:33:44:55 dst 192.0.2.99 self permanent", fdb, StringComparison.Ordinal);
        Assert.Contains("198.21.0.0/24 via 198.18.0.2 proto static", routes, StringComparison.Ordinal);
        Assert.Null(deleted.Failure);
        Assert.DoesNotContain("gate0", await host.Namespace.IpAsync("-br", "link"), StringComparison.Ordinal);
        Assert.Contains("vxlan id 10 dev u0 srcport 0 0 dstport 4790", await host.Namespace.IpAsync("-d", "link", "show", "vxf0"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Delete_removes_exactly_what_gatectl_made_for_the_named_gates(BackendKind backend)
    {
        await using var host = await GateHost.CreateAsync(backend);
        var second = Soracom("second", "gate1", vni: 20, address: "198.18.1.10/24", routes: []);
        Assert.Null((await host.Reconciler.ApplyAsync(Desired(Soracom(), second), host.Context, Ct)).Failure);
        var secondBefore = (await host.ObserveAsync("gate1")).Find("gate1");

        var result = await host.Reconciler.DeleteAsync(Desired(Soracom()), host.Context, Ct);

        Assert.Null(result.Failure);
        var after = await host.ObserveAsync("gate0", "gate1");
        Assert.Null(after.Find("gate0"));
        Assert.Equal(secondBefore, after.Find("gate1"));
        Assert.Empty(await host.Namespace.IpAsync("route", "show", "proto", "147"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Show_prints_the_gates_in_the_state_schema_and_applying_it_changes_nothing(BackendKind backend)
    {
        await using var host = await GateHost.CreateAsync(backend);
        var gate = Soracom();
        var explicitMtu = Soracom("second", "gate1", vni: 20, mtu: 1400, address: "198.18.1.10/24", endpoints: ["198.51.100.7"], routes: []);
        Assert.Null((await host.Reconciler.ApplyAsync(Desired(gate, explicitMtu), host.Context, Ct)).Failure);

        var shown = await host.Reconciler.ShowAsync(host.Context, Ct);
        var again = await host.Reconciler.ApplyAsync(shown.State, host.Context, Ct);

        Assert.Equal([gate, explicitMtu], shown.State.Gates);
        Assert.Empty(shown.Skipped);
        Assert.True(again.WasInSync);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_gatectl_device_without_the_matching_gate_name_is_not_another_gates(BackendKind backend)
    {
        await using var host = await GateHost.CreateAsync(backend);
        Assert.Null((await host.Reconciler.ApplyAsync(Desired(Soracom("old-name")), host.Context, Ct)).Failure);

        var plan = await host.Reconciler.PlanAsync(Desired(Soracom("new-name")), host.Context, Ct);
        var result = await host.Reconciler.ApplyAsync(Desired(Soracom("new-name")), host.Context, Ct);

        Assert.Contains("it belongs to gate 'old-name', no longer in the state file", plan.Plan.Steps[0].Describe(), StringComparison.Ordinal);
        Assert.Null(result.Failure);
        Assert.Contains("alias gatectl:new-name", await host.Namespace.IpAsync("link", "show", "gate0"), StringComparison.Ordinal);
        Assert.Equal(GateStatus.InSync, Assert.Single((await host.Reconciler.DiffAsync(Desired(Soracom("new-name")), host.Context, Ct)).Gates).Status);
    }
}
