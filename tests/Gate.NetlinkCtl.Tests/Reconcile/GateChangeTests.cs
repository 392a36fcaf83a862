using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;
using static Gate.NetlinkCtl.Tests.Reconcile.ObservedHosts;
using static Gate.NetlinkCtl.Tests.Reconcile.SampleGates;

namespace Gate.NetlinkCtl.Tests.Reconcile;

/// <summary>A plan's gate steps are its per-gate changes' steps, in order; each change carries its objects, desired and observed.</summary>
public sealed class GateChangeTests
{
    [Fact]
    public void Each_gate_is_one_change_with_its_objects_and_its_steps_and_deletions_come_first()
    {
        var tokyo = Soracom(name: "tokyo", iface: "gate1", vni: 11, address: "198.18.1.10/24");
        var drifted = InSync(tokyo, index: 11) with { Device = InSync(tokyo, index: 11).Device with { Mtu = 1300 } };
        var orphan = InSync(Soracom(name: "gone", iface: "gate9", vni: 19, address: "198.18.9.10/24"), index: 19);

        var plan = GatePlanner.Plan(Desired(Soracom(), tokyo), Host(drifted, orphan));

        Assert.Equal(plan.Steps, plan.Changes.SelectMany(c => c.Steps));
        Assert.Equal([("gone", "gate9"), ("soracom", "gate0"), ("tokyo", "gate1")], plan.Changes.Select(c => (c.Gate, c.Interface)));
        var deletion = plan.Changes[0];
        Assert.Null(deletion.Objects!.DesiredDevice);
        Assert.Equal(GateObjects.Of("gone", "gate9", null, orphan), deletion.Objects);
        Assert.Equal(deletion.Objects.Observed, deletion.Objects.PendingDeletions);
        Assert.IsType<DeleteDevice>(Assert.Single(deletion.Steps));
        var created = plan.Changes[1];
        Assert.Null(created.Objects!.ObservedDevice);
        Assert.Equal("create-device", created.Steps[0].Action);
        Assert.Equal(GateObjects.Of("soracom", "gate0", GateTarget.FromSpec(Soracom(), Underlay), null), created.Objects);
        Assert.Equal(created.Objects.Desired, created.Objects.PendingUpdates);
        var changed = plan.Changes[2];
        Assert.Equal(GateObjects.Of("tokyo", "gate1", GateTarget.FromSpec(tokyo, Underlay), drifted), changed.Objects);
        Assert.Equal([changed.Objects!.DesiredDevice], changed.Objects.PendingUpdates);
        Assert.Equal(["set-mtu"], changed.Steps.Select(s => s.Action));
    }

    [Fact]
    public void A_restore_plan_is_made_of_changes_too()
    {
        var checkpoint = Host(InSync(Soracom()));
        var current = Host(InSync(Soracom()) with { Device = InSync(Soracom()).Device with { Mtu = 1300 } }, InSync(Soracom(name: "new", iface: "gate5", vni: 15), index: 15));

        var plan = GatePlanner.PlanRestore(checkpoint, current);

        Assert.Equal(plan.Steps, plan.Changes.SelectMany(c => c.Steps));
        Assert.Equal([("new", "gate5"), ("soracom", "gate0")], plan.Changes.Select(c => (c.Gate, c.Interface)));
        Assert.Equal(["delete-device"], plan.Changes[0].Steps.Select(s => s.Action));
        Assert.Equal(["set-mtu"], plan.Changes[1].Steps.Select(s => s.Action));
    }

    [Fact]
    public void Steps_made_without_a_plan_become_one_untargeted_change_per_run_of_one_gate_and_device_and_come_back_in_order()
    {
        PlanStep[] steps =
        [
            new SetMtu("a", "gate0", 1400, 1450),
            new SetUp("a", "gate0", true),
            new DeleteDevice("b", "gate9", "test"),
            new SetMtu("a", "gate0", 1300, 1400),
        ];

        var changes = GateChange.Group(steps);

        Assert.Equal([("a", "gate0", 2), ("b", "gate9", 1), ("a", "gate0", 1)], changes.Select(c => (c.Gate, c.Interface, c.Steps.Count)));
        Assert.All(changes, c => Assert.Null(c.Objects));
        Assert.Equal(steps, GateChange.StepsOf(changes));
        Assert.Empty(GateChange.Group([]));
    }
}
