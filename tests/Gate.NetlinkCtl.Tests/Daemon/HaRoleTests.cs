using System.Net;
using Gate.NetlinkCtl.Daemon;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.State;
using static Gate.NetlinkCtl.Tests.Reconcile.ObservedHosts;
using static Gate.NetlinkCtl.Tests.Reconcile.SampleGates;

namespace Gate.NetlinkCtl.Tests.Daemon;

/// <summary>Which VRRP role the daemon reports: master exactly when the virtual address is on this host's gate.</summary>
public sealed class HaRoleTests
{
    private static readonly GateSpec Gate = Soracom() with
    {
        Ha = new HaSpec(new InterfaceAddress(IPAddress.Parse("198.18.0.250"), 24), 51, 150, new EquatableList<IPAddress>([IPAddress.Parse("198.18.0.11")])),
    };

    [Fact]
    public void The_host_whose_gate_carries_the_virtual_address_is_master_and_the_others_are_not()
    {
        var holding = InSync(Gate) with
        {
            Addresses = new EquatableList<ObservedAddress>([new ObservedAddress(Gate.Address, 147), new ObservedAddress(Gate.Ha!.VirtualAddress, 0)]),
        };

        var master = Assert.Single(HaRole.Of(Desired(Gate), Host(holding)));
        var backup = Assert.Single(HaRole.Of(Desired(Gate), Host(InSync(Gate))));
        var missing = Assert.Single(HaRole.Of(Desired(Gate), Host()));

        Assert.Equal(new HaRole("soracom", "gate0", "198.18.0.250", true), master);
        Assert.False(backup.Master);
        Assert.False(missing.Master);
    }

    [Fact]
    public void Gates_without_ha_and_absent_gates_have_no_role() =>
        Assert.Empty(HaRole.Of(Desired(Gate with { Ha = null }, Gate with { Name = "gone", Interface = "gate1", State = GatePresence.Absent }), Host()));
}
