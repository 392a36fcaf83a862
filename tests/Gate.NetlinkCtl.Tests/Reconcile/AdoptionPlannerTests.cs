using System.Net;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;
using static Gate.NetlinkCtl.Tests.Reconcile.ObservedHosts;
using static Gate.NetlinkCtl.Tests.Reconcile.SampleGates;

namespace Gate.NetlinkCtl.Tests.Reconcile;

/// <summary>Planning <c>adopt: true</c>: a device the vendor's script made is taken over in place, or refused with the reason.</summary>
public sealed class AdoptionPlannerTests
{
    // The vendor script's gate: learning on (the kernel's default), source ports unpinned, no routes.
    private static readonly GateSpec Gate = Soracom(routes: []) with { Learning = true, SourcePorts = PortRange.Any, Adoption = GateAdoption.InPlace };

    [Fact]
    public void A_matching_vendor_device_is_adopted_by_its_alias_and_its_address_metric_only()
    {
        var plan = GatePlanner.Plan(Desired(Gate), Host(VendorMade(Gate)));

        Assert.True(plan.CanApply);
        Assert.Equal(["adopt-device", "set-address-metric"], plan.Steps.Select(s => s.Action));
        var adopt = Assert.IsType<AdoptDevice>(plan.Steps[0]);
        Assert.Equal(10, adopt.Index);
        var mark = Assert.IsType<SetAddressMetric>(plan.Steps[1]);
        Assert.Equal((Gate.Address, Ownership.AddressMetric, 0u), (mark.Address, mark.Metric, mark.Current));
    }

    [Fact]
    public void Adoption_keeps_wanted_flood_entries_removes_unwanted_all_zero_ones_adds_missing_ones_and_leaves_other_entries()
    {
        var vendor = VendorMade(Gate) with
        {
            Fdb = new EquatableList<ObservedFdbEntry>([
                new(Ownership.FloodMac, IPAddress.Parse("192.0.2.1"), true),
                new(Ownership.FloodMac, IPAddress.Parse("192.0.2.9"), true),
                new("02:00:00:00:00:01", IPAddress.Parse("192.0.2.7"), true),
                new("02:00:00:00:00:02", IPAddress.Parse("192.0.2.1"), false),
            ]),
        };

        var plan = GatePlanner.Plan(Desired(Gate), Host(vendor));

        Assert.Equal(
            ["adopt-device", "set-address-metric", "remove-flood", "add-flood"],
            plan.Steps.Select(s => s.Action));
        Assert.Equal(IPAddress.Parse("192.0.2.9"), Assert.IsType<RemoveFlood>(plan.Steps[2]).Destination);
        Assert.Equal(IPAddress.Parse("192.0.2.2"), Assert.IsType<AddFlood>(plan.Steps[3]).Destination);
    }

    [Fact]
    public void A_device_whose_vni_differs_is_a_problem_that_names_the_attribute_and_the_recreate()
    {
        var plan = GatePlanner.Plan(Desired(Gate with { Vni = 20 }), Host(VendorMade(Gate)));

        Assert.Empty(plan.Steps);
        Assert.False(plan.CanApply);
        Assert.Equal(
            "interface gate0 is a vxlan device gatectl did not make, and adopting it would recreate it: VNI 10 -> 20 cannot change in place, "
            + "so its traffic would stop while it is deleted and created again. Make the state match the device "
            + "(gatectl import --interface gate0 prints it as a state), or set adoptMayRecreate: true to accept the recreate",
            Assert.Single(plan.Problems).Message);
    }

    [Fact]
    public void Pinned_source_ports_against_the_vendors_unpinned_range_is_a_mismatch()
    {
        var plan = GatePlanner.Plan(Desired(Gate with { SourcePorts = PortRange.Default }), Host(VendorMade(Gate)));

        Assert.Contains("source ports any -> 4789-4789 cannot change in place", Assert.Single(plan.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mismatching_device_is_recreated_when_the_state_allows_it()
    {
        var plan = GatePlanner.Plan(Desired(Gate with { Vni = 20, Adoption = GateAdoption.InPlaceOrRecreate }), Host(VendorMade(Gate)));

        Assert.True(plan.CanApply);
        var recreate = Assert.IsType<RecreateDevice>(plan.Steps[0]);
        Assert.Equal("VNI 10 -> 20 cannot change in place; it is not gatectl's and adoptMayRecreate is set", recreate.Reason);
        Assert.Equal(["recreate-device", "add-address", "set-up", "add-flood", "add-flood"], plan.Steps.Select(s => s.Action));
    }

    [Fact]
    public void Adoption_never_takes_a_device_of_another_kind()
    {
        var veth = new ObservedGate(
            new ObservedDevice("gate0", 7, "veth", null, 1500, true, null),
            EquatableList<ObservedAddress>.Empty, EquatableList<ObservedFdbEntry>.Empty, EquatableList<ObservedRoute>.Empty);

        var plan = GatePlanner.Plan(Desired(Gate with { Adoption = GateAdoption.InPlaceOrRecreate }), Host(veth));

        Assert.Empty(plan.Steps);
        Assert.Equal(
            "interface gate0 exists and is not gatectl's (kind veth): choose another interface name or remove it (adopt takes over VXLAN devices only)",
            Assert.Single(plan.Problems).Message);
    }

    [Fact]
    public void Once_adopted_the_device_is_gatectls_and_in_sync()
    {
        var adopted = InSync(Gate);

        Assert.True(GatePlanner.Plan(Desired(Gate), Host(adopted)).InSync);
    }

    [Fact]
    public void A_rollback_gives_an_adopted_device_back_instead_of_deleting_it()
    {
        var before = VendorMade(Gate) with
        {
            Fdb = new EquatableList<ObservedFdbEntry>([
                new(Ownership.FloodMac, IPAddress.Parse("192.0.2.1"), true),
                new(Ownership.FloodMac, IPAddress.Parse("192.0.2.9"), true),
            ]),
        };
        var afterAdoption = InSync(Gate);

        var restore = GatePlanner.PlanRestore(Host(before), Host(afterAdoption));

        Assert.DoesNotContain(restore.Steps, s => s is DeleteDevice);
        Assert.Equal(["remove-flood", "add-flood", "set-address-metric", "release-device"], restore.Steps.Select(s => s.Action));
        Assert.Equal(IPAddress.Parse("192.0.2.2"), Assert.IsType<RemoveFlood>(restore.Steps[0]).Destination);
        Assert.Equal(IPAddress.Parse("192.0.2.9"), Assert.IsType<AddFlood>(restore.Steps[1]).Destination);
        Assert.Equal(0u, Assert.IsType<SetAddressMetric>(restore.Steps[2]).Metric);
        Assert.Null(Assert.IsType<ReleaseDevice>(restore.Steps[3]).Alias);
    }

    /// <summary>What the vendor's script leaves: the gate's device without alias, its address without metric.</summary>
    private static ObservedGate VendorMade(GateSpec gate)
    {
        var owned = InSync(gate);
        return owned with
        {
            Device = owned.Device with { Alias = null },
            Addresses = owned.Addresses.Select(a => a with { Metric = 0 }).ToEquatableList(),
        };
    }
}
