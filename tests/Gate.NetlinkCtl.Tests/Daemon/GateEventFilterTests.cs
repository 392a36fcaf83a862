using Gate.NetlinkCtl.Daemon;

namespace Gate.NetlinkCtl.Tests.Daemon;

public class GateEventFilterTests
{
    private static GateEventFilter Watching(params (string Name, int Index)[] known)
    {
        var filter = new GateEventFilter();
        filter.Watch(["vxgate0"], ["eth0"], known.ToDictionary(k => k.Name, k => k.Index));
        return filter;
    }

    [Fact]
    public void An_FDB_change_on_a_gate_device_touches_it()
    {
        var filter = Watching(("vxgate0", 7), ("eth0", 2), ("other0", 9));

        Assert.True(filter.Touches(new KernelChange(KernelChangeKind.Neighbour, 7, null, Removed: true)));
        Assert.False(filter.Touches(new KernelChange(KernelChangeKind.Neighbour, 9, null, Removed: true)));
    }

    [Fact]
    public void A_learned_FDB_entry_coming_or_going_with_traffic_does_not_touch_the_gate_but_a_flood_entry_does()
    {
        var filter = Watching(("vxgate0", 7));
        KernelChange Entry(string mac, bool permanent, bool removed) =>
            new(KernelChangeKind.Neighbour, 7, null, removed) { Fdb = new FdbChange(mac, System.Net.IPAddress.Parse("198.51.100.4"), permanent, Self: true) };

        Assert.False(filter.Touches(Entry("02:42:c6:12:00:11", permanent: false, removed: false)));
        Assert.False(filter.Touches(Entry("02:42:c6:12:00:11", permanent: false, removed: true)));
        Assert.True(filter.Touches(Entry("02:42:c6:12:00:11", permanent: true, removed: false)));
        Assert.True(filter.Touches(Entry("00:00:00:00:00:00", permanent: false, removed: false)));
        Assert.True(filter.Touches(Entry("00:00:00:00:00:00", permanent: true, removed: true)));
    }

    [Fact]
    public void A_link_change_on_the_underlay_touches_the_gate_but_its_addresses_do_not()
    {
        var filter = Watching(("vxgate0", 7), ("eth0", 2));

        Assert.True(filter.Touches(new KernelChange(KernelChangeKind.Link, 2, "eth0", Removed: false)));
        Assert.False(filter.Touches(new KernelChange(KernelChangeKind.Address, 2, null, Removed: false)));
    }

    [Fact]
    public void A_recreated_device_is_followed_to_its_new_index()
    {
        var filter = Watching(("vxgate0", 7));

        Assert.True(filter.Touches(new KernelChange(KernelChangeKind.Link, 7, "vxgate0", Removed: true)));
        Assert.False(filter.Touches(new KernelChange(KernelChangeKind.Route, 7, null, Removed: true)));
        Assert.True(filter.Touches(new KernelChange(KernelChangeKind.Link, 12, "vxgate0", Removed: false)));
        Assert.True(filter.Touches(new KernelChange(KernelChangeKind.Address, 12, null, Removed: false)));
    }

    [Fact]
    public void Changes_on_foreign_devices_are_ignored()
    {
        var filter = Watching(("vxgate0", 7));

        Assert.False(filter.Touches(new KernelChange(KernelChangeKind.Link, 30, "vxother", Removed: false)));
        Assert.False(filter.Touches(new KernelChange(KernelChangeKind.Neighbour, 30, null, Removed: false)));
    }
}
