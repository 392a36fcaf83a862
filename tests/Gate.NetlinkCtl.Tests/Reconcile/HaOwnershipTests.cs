using System.Net;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Diff;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;
using static Gate.NetlinkCtl.Tests.Reconcile.ObservedHosts;
using static Gate.NetlinkCtl.Tests.Reconcile.SampleGates;

namespace Gate.NetlinkCtl.Tests.Reconcile;

/// <summary>A VRRP pair's virtual address is keepalived's: never drift, never removed, and what would move it is a fail-over risk in the plan.</summary>
public sealed class HaOwnershipTests
{
    private static readonly InterfaceAddress Vip = new(IPAddress.Parse("198.18.0.250"), 24);

    private static readonly GateSpec Gate = Soracom() with
    {
        Ha = new HaSpec(Vip, 51, 150, new EquatableList<IPAddress>([IPAddress.Parse("198.18.0.11")])),
    };

    /// <summary>The gate in sync, with keepalived's address beside gatectl's (no metric, as keepalived adds it).</summary>
    private static ObservedGate Holding(GateSpec gate) => InSync(gate) with
    {
        Addresses = new EquatableList<ObservedAddress>([new ObservedAddress(gate.Address, 147), new ObservedAddress(Vip, 0)]),
    };

    [Fact]
    public void The_virtual_address_on_the_master_needs_no_step_and_is_reported_as_keepalived_s_not_as_foreign()
    {
        var host = Host(Holding(Gate));
        var plan = GatePlanner.Plan(Desired(Gate), host);

        var report = DriftReport.Create("netlink", ResolvedState.Of(Desired(Gate)), host, plan);

        Assert.True(plan.InSync);
        Assert.True(report.InSync);
        Assert.Empty(report.Foreign);
        var held = Assert.Single(report.HeldByKeepalived);
        Assert.Equal("gate0: address 198.18.0.250/24 held by keepalived (virtual address of gate soracom)", held.ToString());
    }

    [Fact]
    public void The_same_address_on_a_gate_without_ha_stays_a_foreign_object()
    {
        var single = Gate with { Ha = null };
        var host = Host(Holding(single));

        var report = DriftReport.Create("netlink", ResolvedState.Of(Desired(single)), host, GatePlanner.Plan(Desired(single), host));

        Assert.Empty(report.HeldByKeepalived);
        Assert.Equal("gate0: address 198.18.0.250/24 (metric 0)", Assert.Single(report.Foreign).ToString());
    }

    [Fact]
    public void A_changed_flood_list_on_the_master_touches_floods_only()
    {
        var changed = Gate with { Endpoints = new EquatableList<IPAddress>([IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.3")]) };

        var plan = GatePlanner.Plan(Desired(changed), Host(Holding(Gate)));

        Assert.Equal(["remove-flood", "add-flood"], plan.Steps.Select(s => s.Action));
        Assert.Empty(plan.FailoverRisks);
    }

    [Fact]
    public void Recreating_deleting_readdressing_or_downing_an_ha_gate_is_a_fail_over_risk()
    {
        var recreate = GatePlanner.Plan(Desired(Gate with { Vni = 20 }), Host(Holding(Gate)));
        var delete = GatePlanner.Plan(Desired(Gate with { State = GatePresence.Absent }), Host(Holding(Gate)));
        var readdress = GatePlanner.Plan(Desired(Gate with { Address = new InterfaceAddress(IPAddress.Parse("198.18.0.12"), 24) }), Host(Holding(Gate)));
        var plain = GatePlanner.Plan(Desired(Gate with { Ha = null, Vni = 20 }), Host(Holding(Gate with { Ha = null })));

        Assert.Contains("recreating gate0 removes the virtual address 198.18.0.250/24", Assert.Single(recreate.FailoverRisks), StringComparison.Ordinal);
        Assert.Contains("deleting gate0", Assert.Single(delete.FailoverRisks), StringComparison.Ordinal);
        Assert.Contains("drop the virtual address", Assert.Single(readdress.FailoverRisks), StringComparison.Ordinal);
        Assert.Empty(plain.FailoverRisks);
        Assert.DoesNotContain(readdress.Steps, s => s is RemoveAddress r && r.Address == Vip);
    }
}
