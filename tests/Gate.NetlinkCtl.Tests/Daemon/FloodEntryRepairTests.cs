using System.Net;
using Gate.NetlinkCtl.Daemon;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.SoracomApi;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.Tests.Reconcile;

namespace Gate.NetlinkCtl.Tests.Daemon;

/// <summary>The fast path's decision alone: which RTM_DELNEIGH events are repaired at once, against which state.</summary>
public class FloodEntryRepairTests
{
    private const int GateIndex = 10;
    private static readonly IPAddress Wanted = IPAddress.Parse("192.0.2.1");

    private static GateSpec Gate(GatePresence state = GatePresence.Present) =>
        SampleGates.Soracom(endpoints: ["192.0.2.1", "192.0.2.2"], state: state);

    private static ObservedDevice Device(GateSpec gate, int index = GateIndex, string? alias = null) =>
        ObservedHosts.InSync(gate, index).Device with { Alias = alias ?? Ownership.AliasFor(gate.Name) };

    // The scope a reconcile leaves: its plan's changes over the device it observed.
    private static FloodRepairScope Scope(GateSpec gate, ObservedDevice? device = null, DesiredState? desired = null, ResolvedState? resolved = null)
    {
        var observed = ObservedHosts.InSync(gate, GateIndex) with { Device = device ?? Device(gate) };
        var plan = GatePlanner.Plan(resolved ?? ResolvedState.Of(desired ?? SampleGates.Desired(gate)), ObservedHosts.Host(observed));
        return FloodRepairScope.Create(plan.Changes, [observed.Device]);
    }

    private static KernelChange Deleted(
        IPAddress? destination = null, int index = GateIndex, string mac = Ownership.FloodMac, bool permanent = true, bool self = true) =>
        new(KernelChangeKind.Neighbour, index, null, Removed: true) { Fdb = new FdbChange(mac, destination ?? Wanted, permanent, self) };

    [Fact]
    public void A_wanted_flood_entry_removed_from_the_gates_own_device_is_repaired()
    {
        var repair = FloodEntryRepair.Decide(Deleted(), Scope(Gate()));

        Assert.Equal(new FloodEntryRepair("soracom", "gate0", GateIndex, Wanted), repair);
        Assert.Equal(new DriftRepair("soracom", "add-flood", "add flood entry 00:00:00:00:00:00 dst 192.0.2.1 to gate0"), repair!.ToDriftRepair());
    }

    [Fact]
    public void A_peer_destination_is_wanted_as_much_as_an_endpoint()
    {
        var gate = Gate() with { Peers = new EquatableList<PeerSpec>([new PeerSpec(IPAddress.Parse("203.0.113.7"), null, "other")]) };

        Assert.NotNull(FloodEntryRepair.Decide(Deleted(IPAddress.Parse("203.0.113.7")), Scope(gate)));
    }

    [Fact]
    public void An_entry_on_a_foreign_device_is_left_alone()
    {
        var gate = Gate();

        Assert.Null(FloodEntryRepair.Decide(Deleted(), Scope(gate, Device(gate, alias: "made by hand"))));
        Assert.Null(FloodEntryRepair.Decide(Deleted(), Scope(gate, Device(gate, alias: Ownership.AliasFor("another-gate")))));
        Assert.Null(FloodEntryRepair.Decide(Deleted(index: 99), Scope(gate)));
    }

    [Fact]
    public void Entries_that_are_not_gatectls_own_flood_entries_are_left_alone()
    {
        var scope = Scope(Gate());

        Assert.Null(FloodEntryRepair.Decide(Deleted(mac: "02:42:c6:12:00:01"), scope));
        Assert.Null(FloodEntryRepair.Decide(Deleted(permanent: false), scope));
        Assert.Null(FloodEntryRepair.Decide(Deleted(self: false), scope));
        Assert.Null(FloodEntryRepair.Decide(new KernelChange(KernelChangeKind.Neighbour, GateIndex, null, Removed: true), scope));
    }

    [Fact]
    public void A_destination_the_state_does_not_want_is_not_put_back()
    {
        Assert.Null(FloodEntryRepair.Decide(Deleted(IPAddress.Parse("198.51.100.9")), Scope(Gate())));
    }

    [Fact]
    public void An_added_entry_or_another_kind_of_event_asks_for_nothing()
    {
        var scope = Scope(Gate());
        var deleted = Deleted();

        Assert.Null(FloodEntryRepair.Decide(deleted with { Removed = false }, scope));
        Assert.Null(FloodEntryRepair.Decide(deleted with { Kind = KernelChangeKind.Address }, scope));
        Assert.Null(FloodEntryRepair.Decide(deleted, scope: null));
    }

    [Fact]
    public void An_absent_gate_or_one_missing_from_the_state_is_not_repaired()
    {
        var gate = Gate();

        Assert.Null(FloodEntryRepair.Decide(Deleted(), Scope(gate, desired: SampleGates.Desired(Gate(GatePresence.Absent)))));
        Assert.Null(FloodEntryRepair.Decide(Deleted(), Scope(gate, desired: SampleGates.Desired())));
    }

    [Fact]
    public void A_held_gate_is_left_exactly_as_it_is()
    {
        var gate = Gate();
        var held = new ResolvedState(SampleGates.Desired(gate), new([new EndpointResolution("soracom", "vpg-test01", EndpointOrigin.None, null, 0, 0, "HTTP 500; no cached answer yet")]));

        Assert.Null(FloodEntryRepair.Decide(Deleted(), Scope(gate, resolved: held)));
    }

    [Fact]
    public void A_device_deleted_or_stripped_of_its_mark_leaves_the_scope()
    {
        var scope = Scope(Gate());
        var link = new KernelChange(KernelChangeKind.Link, GateIndex, "gate0", Removed: false) { Alias = Ownership.AliasFor("soracom") };

        Assert.Same(scope, scope.After(link));
        Assert.Equal(0, scope.After(link with { Removed = true }).Count);
        Assert.Null(FloodEntryRepair.Decide(Deleted(), scope.After(link with { Alias = null })));
    }
}
