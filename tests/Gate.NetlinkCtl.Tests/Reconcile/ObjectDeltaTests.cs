using System.Net;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Tests.Reconcile;

/// <summary>Desired and observed objects of one kind, matched by natural key and compared by value: the views the planner reads.</summary>
public sealed class ObjectDeltaTests
{
    private static IPAddress Ip(string text) => IPAddress.Parse(text);

    private static FloodObject Flood(string destination) => new("gate0", Ip(destination));

    [Fact]
    public void Updates_keep_the_targets_order_deletions_the_observed_order_and_in_sync_is_what_both_have()
    {
        var delta = new ObjectDelta<FloodObject>(
            [Flood("192.0.2.3"), Flood("192.0.2.1"), Flood("192.0.2.2")],
            [Flood("192.0.2.9"), Flood("192.0.2.2"), Flood("192.0.2.8")]);

        Assert.Equal([Flood("192.0.2.3"), Flood("192.0.2.1")], delta.PendingUpdates);
        Assert.Equal([Flood("192.0.2.9"), Flood("192.0.2.8")], delta.PendingDeletions);
        Assert.Equal([Flood("192.0.2.2")], delta.InSync);
        Assert.False(delta.IsInSync);
    }

    [Fact]
    public void A_route_whose_next_hop_changed_is_one_deletion_and_one_addition_and_equal_sides_are_in_sync()
    {
        var before = new RouteObject("gate0", new GateRoute(IPNetwork.Parse("198.19.0.0/24"), Ip("198.18.0.20")));
        var after = before with { Route = before.Route with { Gateway = Ip("198.18.0.21") } };

        var changed = new ObjectDelta<RouteObject>([after], [before]);
        var same = new ObjectDelta<RouteObject>([before], [before with { }]);

        Assert.Equal([after], changed.PendingUpdates);
        Assert.Equal([before], changed.PendingDeletions);
        Assert.Empty(changed.InSync);
        Assert.True(same.IsInSync);
        Assert.Equal([before], same.InSync);
    }

    [Fact]
    public void A_device_is_keyed_by_its_name_so_another_MTU_is_an_update_of_the_same_device_not_a_new_one()
    {
        var spec = new VxlanDeviceSpec(10, Ip("192.0.2.10"), "u0", 4789, PortRange.Default, false, 1450);
        var wanted = new DeviceObject("gate0", "soracom", "vxlan", spec, Up: true);
        var observed = wanted with { Vxlan = spec with { Mtu = 1300 } };

        var delta = new ObjectDelta<DeviceObject>([wanted], [observed]);

        Assert.Equal([wanted], delta.PendingUpdates);
        Assert.Empty(delta.PendingDeletions);
        Assert.Empty(delta.InSync);
        Assert.Same(observed, delta.ObservedAs(wanted));
        Assert.True(new ObjectDelta<DeviceObject>([wanted], [wanted with { }]).IsInSync);
        Assert.Equal([observed], new ObjectDelta<DeviceObject>([], [observed]).PendingDeletions);
    }
}
