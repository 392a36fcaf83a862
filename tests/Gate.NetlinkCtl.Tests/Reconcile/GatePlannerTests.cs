using System.Net;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.SoracomApi;
using Gate.NetlinkCtl.State;
using static Gate.NetlinkCtl.Tests.Reconcile.ObservedHosts;
using static Gate.NetlinkCtl.Tests.Reconcile.SampleGates;

namespace Gate.NetlinkCtl.Tests.Reconcile;

/// <summary>The pure planner: every change kind, its order, ownership and recreation.</summary>
public sealed class GatePlannerTests
{
    private static readonly GateSpec Gate = Soracom();

    [Fact]
    public void A_host_that_matches_needs_no_step()
    {
        var plan = GatePlanner.Plan(Desired(Gate), Host(InSync(Gate)));

        Assert.True(plan.InSync);
    }

    [Fact]
    public void A_held_gate_whose_endpoints_are_unknown_gets_no_step_and_is_not_pruned()
    {
        // Its endpoints could not be read from the SORACOM API nor its cache: the empty list must not empty the kernel's.
        var unknown = Gate with { Endpoints = EquatableList<IPAddress>.Empty };

        var held = new ResolvedState(Desired(unknown), new([new EndpointResolution(Gate.Name, "vpg-test01", EndpointOrigin.None, null, 0, 0, "HTTP 500; no cached answer yet")]));

        var plan = GatePlanner.Plan(held, Host(InSync(Gate)));
        var missing = GatePlanner.Plan(held, Host());

        Assert.True(plan.InSync);
        Assert.True(missing.InSync);
    }

    [Fact]
    public void A_missing_gate_is_created_then_addressed_brought_up_flooded_and_routed()
    {
        var plan = GatePlanner.Plan(Desired(Gate), Host());

        Assert.Equal(
            ["create-device", "add-address", "set-up", "add-flood", "add-flood", "add-route"],
            plan.Steps.Select(s => s.Action));
        var create = Assert.IsType<CreateDevice>(plan.Steps[0]);
        Assert.Equal(new VxlanDeviceSpec(10, Local, "u0", 4789, PortRange.Default, false, 1450), create.Device);
    }

    [Fact]
    public void The_default_mtu_is_the_underlay_mtu_minus_the_vxlan_overhead_and_an_explicit_one_wins()
    {
        var jumbo = Host() with { Underlays = new EquatableList<ObservedUnderlay>([Underlay with { Mtu = 9000 }]) };

        var byDefault = Assert.IsType<CreateDevice>(GatePlanner.Plan(Desired(Gate), jumbo).Steps[0]);
        var byHand = Assert.IsType<CreateDevice>(GatePlanner.Plan(Desired(Soracom(mtu: 1400)), jumbo).Steps[0]);

        Assert.Equal(8950, byDefault.Device.Mtu);
        Assert.Equal(1400, byHand.Device.Mtu);
    }

    public static TheoryData<string, string> FixedChanges => new()
    {
        { "vni", "VNI 10 -> 200 cannot change in place" },
        { "local", "local 192.0.2.10 -> 192.0.2.20 cannot change in place" },
        { "underlay", "underlay u0 -> u1 cannot change in place" },
        { "port", "port 4789 -> 8472 cannot change in place" },
        { "source ports", "source ports 4789-4789 -> 1000-2000 cannot change in place" },
        { "learning", "learning off -> on cannot change in place" },
    };

    [Theory]
    [MemberData(nameof(FixedChanges))]
    public void A_fixed_attribute_change_recreates_the_device_and_says_why(string attribute, string reason)
    {
        var changed = attribute switch
        {
            "vni" => Gate with { Vni = 200 },
            "local" => Gate with { Local = IPAddress.Parse("192.0.2.20") },
            "underlay" => Gate with { Underlay = "u1" },
            "port" => Gate with { Port = 8472 },
            "source ports" => Gate with { SourcePorts = new PortRange(1000, 2000) },
            _ => Gate with { Learning = true },
        };
        var host = Host(InSync(Gate)) with
        {
            Underlays = new EquatableList<ObservedUnderlay>([Underlay, Underlay with { Name = "u1", Index = 3 }]),
        };

        var plan = GatePlanner.Plan(Desired(changed), host);

        var recreate = Assert.IsType<RecreateDevice>(plan.Steps[0]);
        Assert.Equal(reason, recreate.Reason);
        Assert.Equal(["recreate-device", "add-address", "set-up", "add-flood", "add-flood", "add-route"], plan.Steps.Select(s => s.Action));
    }

    [Fact]
    public void An_mtu_change_is_made_in_place()
    {
        var observed = InSync(Gate);
        observed = observed with { Device = observed.Device with { Mtu = 1400 } };

        var plan = GatePlanner.Plan(Desired(Gate), Host(observed));

        Assert.Equal([new SetMtu("soracom", "gate0", 1450, 1400)], plan.Steps);
    }

    [Fact]
    public void A_link_set_down_is_brought_up_before_its_flushed_routes_come_back()
    {
        var observed = InSync(Gate);
        observed = observed with { Device = observed.Device with { Up = false }, Routes = EquatableList<ObservedRoute>.Empty };

        var plan = GatePlanner.Plan(Desired(Gate), Host(observed));

        Assert.Equal(["set-up", "add-route"], plan.Steps.Select(s => s.Action));
    }

    [Fact]
    public void Stale_owned_objects_are_removed_before_new_ones_are_added()
    {
        var observed = InSync(Soracom(address: "198.18.0.11/24", endpoints: ["192.0.2.1", "192.0.2.9"], routes: [("198.21.0.0/24", "198.18.0.1")]));

        var plan = GatePlanner.Plan(Desired(Gate), Host(observed));

        Assert.Equal(
            [
                "remove route 198.21.0.0/24 via 198.18.0.1 dev gate0 proto 147",
                "remove flood entry 00:00:00:00:00:00 dst 192.0.2.9 from gate0",
                "remove address 198.18.0.11/24 from gate0",
                "add address 198.18.0.10/24 metric 147 to gate0",
                "add flood entry 00:00:00:00:00:00 dst 192.0.2.2 to gate0",
                "add route 198.20.0.0/24 via 198.18.0.1 dev gate0 proto 147",
            ],
            plan.Steps.Select(s => s.Describe()));
    }

    [Fact]
    public void Foreign_objects_on_a_gatectl_device_are_never_removed()
    {
        var observed = InSync(Gate);
        observed = observed with
        {
            Addresses = new EquatableList<ObservedAddress>([.. observed.Addresses, new ObservedAddress(new InterfaceAddress(IPAddress.Parse("198.18.0.99"), 32), 0)]),
            Fdb = new EquatableList<ObservedFdbEntry>([
                .. observed.Fdb,
                new ObservedFdbEntry("02:11:22:33:44:55", IPAddress.Parse("192.0.2.99"), true),
                new ObservedFdbEntry(Ownership.FloodMac, IPAddress.Parse("192.0.2.98"), false),
            ]),
            Routes = new EquatableList<ObservedRoute>([.. observed.Routes, new ObservedRoute(IPNetwork.Parse("198.21.0.0/24"), IPAddress.Parse("198.18.0.2"), 4)]),
        };

        var host = Host(observed);
        var plan = GatePlanner.Plan(Desired(Gate), host);

        Assert.True(plan.InSync);
        Assert.Equal(4, host.ForeignObjects.Count());
    }

    [Fact]
    public void A_device_of_another_kind_with_the_gates_name_is_a_problem_and_nothing_is_planned_for_it()
    {
        var veth = new ObservedGate(
            new ObservedDevice("gate0", 7, "veth", null, 1500, true, null),
            EquatableList<ObservedAddress>.Empty, EquatableList<ObservedFdbEntry>.Empty, EquatableList<ObservedRoute>.Empty);

        var plan = GatePlanner.Plan(Desired(Gate), Host(veth));

        Assert.Empty(plan.Steps);
        Assert.False(plan.CanApply);
        Assert.Equal(
            "interface gate0 exists and is not gatectl's (kind veth): choose another interface name or remove it",
            Assert.Single(plan.Problems).Message);
    }

    [Fact]
    public void A_vxlan_device_without_gatectls_alias_is_not_gatectls()
    {
        var observed = InSync(Gate);
        observed = observed with { Device = observed.Device with { Alias = "made by hand" } };

        var plan = GatePlanner.Plan(Desired(Gate), Host(observed));

        Assert.Empty(plan.Steps);
        Assert.Equal(
            "interface gate0 exists and is not gatectl's (kind vxlan, alias 'made by hand'): choose another interface name or remove it; "
            + "or set adopt: true on the gate to take it over in place (docs/migration.md)",
            Assert.Single(plan.Problems).Message);
    }

    [Fact]
    public void An_explicit_mtu_the_underlay_cannot_carry_is_a_problem()
    {
        var plan = GatePlanner.Plan(Desired(Soracom(mtu: 1460)), Host());

        Assert.Empty(plan.Steps);
        Assert.Equal(
            "mtu 1460 is more than underlay u0 allows (1500 minus 50 for VXLAN = 1450): lower 'mtu' or raise the underlay's MTU",
            Assert.Single(plan.Problems).Message);
    }

    [Fact]
    public void A_missing_underlay_is_a_problem()
    {
        var plan = GatePlanner.Plan(Desired(Soracom(underlay: "eth9")), Host());

        Assert.Equal("underlay eth9 does not exist: create it or set 'underlay' to an existing device", Assert.Single(plan.Problems).Message);
    }

    [Fact]
    public void A_device_claimed_by_another_gate_in_the_file_is_a_problem()
    {
        var other = Soracom("other");

        var plan = GatePlanner.Plan(Desired(Gate, other with { Interface = "gate9" }), Host(InSync(other)));

        Assert.Contains(plan.Problems, p => p.Gate == "soracom" && p.Message.Contains("belongs to gate 'other'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_desired_address_already_present_without_gatectls_metric_is_a_problem()
    {
        var observed = InSync(Gate) with { Addresses = new EquatableList<ObservedAddress>([new ObservedAddress(Gate.Address, 0)]) };

        var plan = GatePlanner.Plan(Desired(Gate), Host(observed));

        Assert.Empty(plan.Steps);
        Assert.StartsWith("address 198.18.0.10/24 on gate0 was added without gatectl's metric 147", Assert.Single(plan.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vni_and_port_already_used_by_another_vxlan_device_is_a_problem()
    {
        var handMade = new ObservedDevice("vxhand", 12, "vxlan", null, 1500, false,
            new ObservedVxlan(10, null, null, 0, 4789, new PortRange(0, 0), true));
        var host = ObservedHost.Create([], [handMade], [Underlay]);

        var plan = GatePlanner.Plan(Desired(Gate), host);
        var otherPort = GatePlanner.Plan(Desired(Gate with { Port = 4790 }), host);

        Assert.Equal(
            "VNI 10 on port 4789 is already used by vxlan device vxhand (not gatectl's); the kernel allows one device per VNI and port: remove that device or choose another VNI",
            Assert.Single(plan.Problems).Message);
        Assert.True(otherPort.CanApply);
    }

    [Fact]
    public void A_vni_freed_by_a_deletion_in_the_same_plan_is_no_problem()
    {
        var retired = Soracom("retired", "gate7");

        var plan = GatePlanner.Plan(Desired(Gate), Host(InSync(retired, 11)));

        Assert.True(plan.CanApply);
        Assert.Equal(["delete-device", "create-device"], plan.Steps.Take(2).Select(s => s.Action));
    }

    [Fact]
    public void An_absent_gate_is_deleted_only_when_gatectl_made_it()
    {
        var absent = Gate with { State = GatePresence.Absent };
        var foreign = InSync(Gate);
        foreign = foreign with { Device = foreign.Device with { Alias = null } };

        var owned = GatePlanner.Plan(Desired(absent), Host(InSync(Gate)));
        var notOwned = GatePlanner.Plan(Desired(absent), Host(foreign));

        Assert.Equal([new DeleteDevice("soracom", "gate0", "state: absent")], owned.Steps);
        Assert.True(notOwned.InSync);
    }

    [Fact]
    public void An_orphaned_gatectl_device_is_deleted_first_unless_pruning_is_off()
    {
        var orphan = Soracom("retired", "gate7", vni: 70);

        var pruned = GatePlanner.Plan(Desired(Gate), Host(InSync(orphan, 11)));
        var kept = GatePlanner.Plan(Desired(Gate), Host(InSync(orphan, 11)), pruneOrphans: false);

        Assert.Equal(new DeleteDevice("retired", "gate7", "gate 'retired' is no longer in the state file"), pruned.Steps[0]);
        Assert.IsType<CreateDevice>(pruned.Steps[1]);
        Assert.DoesNotContain(kept.Steps, s => s is DeleteDevice);
    }

    [Fact]
    public void A_gate_that_moved_to_another_interface_leaves_its_old_device_deleted()
    {
        var plan = GatePlanner.Plan(Desired(Gate with { Interface = "gate1" }), Host(InSync(Gate)));

        Assert.Equal(new DeleteDevice("soracom", "gate0", "gate 'soracom' now uses interface gate1"), plan.Steps[0]);
        Assert.Equal(new CreateDevice("soracom", "gate1", new VxlanDeviceSpec(10, Local, "u0", 4789, PortRange.Default, false, 1450)), plan.Steps[1]);
    }

    [Fact]
    public void Restoring_a_checkpoint_deletes_new_devices_and_puts_changed_ones_back()
    {
        var checkpoint = Host(InSync(Gate));
        var changed = InSync(Soracom(vni: 200, mtu: 1400, endpoints: ["192.0.2.1"]));
        var current = Host(changed, InSync(Soracom("new", "gate1", vni: 20), 11));

        var restore = GatePlanner.PlanRestore(checkpoint, current);

        Assert.Equal(new DeleteDevice("new", "gate1", "it did not exist before this apply"), restore.Steps[0]);
        var recreate = Assert.IsType<RecreateDevice>(restore.Steps[1]);
        Assert.Equal("VNI 200 -> 10 cannot change in place", recreate.Reason);
        Assert.Equal(1450, recreate.Device.Mtu);
        Assert.True(GatePlanner.PlanRestore(checkpoint, checkpoint).InSync);
    }
}
