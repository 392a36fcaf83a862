using System.Net;
using Gate.NetlinkCtl.Reconcile.Plan;

namespace Gate.NetlinkCtl.Tests.Reconcile;

/// <summary>Desired and observed objects of one kind, keyed by value: the views the planner reads.</summary>
public sealed class ObjectDeltaTests
{
    private static IPAddress Ip(string text) => IPAddress.Parse(text);

    [Fact]
    public void Additions_keep_the_targets_order_deletions_the_observed_order_and_in_sync_is_what_both_have()
    {
        var delta = new ObjectDelta<IPAddress>(
            [Ip("192.0.2.3"), Ip("192.0.2.1"), Ip("192.0.2.2")],
            [Ip("192.0.2.9"), Ip("192.0.2.2"), Ip("192.0.2.8")]);

        Assert.Equal([Ip("192.0.2.3"), Ip("192.0.2.1")], delta.PendingAdditions);
        Assert.Equal([Ip("192.0.2.9"), Ip("192.0.2.8")], delta.PendingDeletions);
        Assert.Equal([Ip("192.0.2.2")], delta.InSync);
        Assert.False(delta.IsInSync);
    }

    [Fact]
    public void A_route_whose_next_hop_changed_is_one_deletion_and_one_addition_and_equal_sides_are_in_sync()
    {
        var before = new GateRoute(IPNetwork.Parse("198.19.0.0/24"), Ip("198.18.0.20"));
        var after = before with { Gateway = Ip("198.18.0.21") };

        var changed = new ObjectDelta<GateRoute>([after], [before]);
        var same = new ObjectDelta<GateRoute>([before], [before with { }]);

        Assert.Equal([after], changed.PendingAdditions);
        Assert.Equal([before], changed.PendingDeletions);
        Assert.Empty(changed.InSync);
        Assert.True(same.IsInSync);
        Assert.Equal([before], same.InSync);
    }
}
