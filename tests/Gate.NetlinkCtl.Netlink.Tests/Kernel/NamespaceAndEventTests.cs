using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Netlink.Tests.Kernel;

public class NamespaceAndEventTests
{
    [Fact]
    public async Task A_client_opened_in_a_namespace_sees_only_it_and_leaves_the_process_where_it_was()
    {
        var before = File.ResolveLinkTarget("/proc/thread-self/ns/net", false)?.FullName;
        await using var ns = await TestNamespace.CreateAsync("nl");

        using var client = RtnlClient.Open(ns.Name);

        Assert.Equal(["lo"], client.GetLinks().Select(l => l.Name));
        Assert.Equal(before, File.ResolveLinkTarget("/proc/thread-self/ns/net", false)?.FullName);
        Assert.Equal(ns.Name, client.Namespace);
        await ns.IpAsync("link", "add", "gct-a", "type", "veth", "peer", "name", "gct-b");
        Assert.NotNull(client.GetLink("gct-b"));
    }

    [Fact]
    public async Task Events_arrive_for_links_addresses_fdb_entries_neighbours_and_routes_changed_with_ip()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        using var listener = RtnlEventListener.Open(bed.Namespace.Name);

        await bed.Namespace.IpAsync("link", "add", "gct-ev", "type", "vxlan", "id", "30", "dstport", "4789");
        await bed.Namespace.IpAsync("link", "set", "gct-ev", "up");
        await bed.Namespace.IpAsync("addr", "add", "198.18.1.1/24", "dev", "gct-ev");
        await bed.Namespace.BridgeAsync("fdb", "append", "00:00:00:00:00:00", "dev", "gct-ev", "dst", "203.0.113.4");
        await bed.Namespace.IpAsync("neigh", "add", "198.18.1.2", "lladdr", "02:00:5e:10:00:08", "dev", "gct-ev", "nud", "permanent");
        await bed.Namespace.IpAsync("route", "add", "198.19.1.0/24", "via", "198.18.1.2", "proto", "147");
        await bed.Namespace.IpAsync("link", "del", "gct-ev");

        var seen = new List<RtnlEvent>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await foreach (var e in listener.ReadAllAsync(timeout.Token))
        {
            seen.Add(e);
            if (e is LinkEvent { Change: RtnlChange.Deleted, Link.Name: "gct-ev" })
            {
                break;
            }
        }

        Assert.Contains(seen, e => e is LinkEvent { Change: RtnlChange.New, Link: { Name: "gct-ev", Kind: "vxlan", Vxlan.Vni: 30 } });
        Assert.Contains(seen, e => e is LinkEvent { Change: RtnlChange.New, Link: { Name: "gct-ev", IsUp: true } });
        Assert.Contains(seen, e => e is AddressEvent { Change: RtnlChange.New, Address.PrefixLength: 24 } a && a.Address.Address.ToString() == "198.18.1.1");
        Assert.Contains(seen, e => e is FdbEvent { Change: RtnlChange.New } f && f.Entry.Destination!.ToString() == "203.0.113.4");
        Assert.Contains(seen, e => e is NeighbourEvent { Change: RtnlChange.New, Neighbour.State: NeighbourState.Permanent } n && n.Neighbour.Address.ToString() == "198.18.1.2");
        Assert.Contains(seen, e => e is RouteEvent { Change: RtnlChange.New, Route.Protocol: 147 } r && r.Route.Destination.ToString() == "198.19.1.0/24");
        Assert.Contains(seen, e => e is LinkEvent { Change: RtnlChange.Deleted, Link.Name: "gct-ev" });
    }

    [Fact]
    public async Task Reading_events_ends_when_cancelled_while_nothing_happens()
    {
        await using var ns = await TestNamespace.CreateAsync("nl");
        using var listener = RtnlEventListener.Open(ns.Name);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var received = new List<RtnlEvent>();
        await foreach (var e in listener.ReadAllAsync(cancel.Token))
        {
            received.Add(e);
        }

        Assert.Empty(received);
        Assert.Throws<OperationCanceledException>(() => listener.Receive(cancel.Token));
    }
}
