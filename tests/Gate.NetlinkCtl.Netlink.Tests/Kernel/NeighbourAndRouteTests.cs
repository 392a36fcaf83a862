using System.Net;
using System.Net.NetworkInformation;

namespace Gate.NetlinkCtl.Netlink.Tests.Kernel;

public class NeighbourAndRouteTests
{
    private static readonly IPAddress Neighbour = IPAddress.Parse("198.18.0.2");

    [Fact]
    public async Task A_permanent_arp_neighbour_is_added_replaced_and_deleted_as_ip_sees_it()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        var link = bed.Client.VxlanAdd(bed.Vxlan());
        var neighbour = new Neighbour(link.Index, Neighbour, PhysicalAddress.Parse("02-00-5E-10-00-04"));

        bed.Client.NeighbourAdd(neighbour);
        Assert.Equal(neighbour, Assert.Single(bed.Client.GetNeighbours(link.Index)));
        var ip = (await bed.IpJsonAsync("-4", "neigh", "show", "dev", "gct-vx0"))[0];
        Assert.Equal(("198.18.0.2", "02:00:5e:10:00:04"), (ip.GetProperty("dst").GetString(), ip.GetProperty("lladdr").GetString()));
        Assert.Contains("PERMANENT", ip.GetProperty("state").EnumerateArray().Select(s => s.GetString()));
        Assert.True(Assert.Throws<NetlinkException>(() => bed.Client.NeighbourAdd(neighbour)).IsAlreadyExists);

        bed.Client.NeighbourReplace(neighbour with { Mac = PhysicalAddress.Parse("02-00-5E-10-00-05") });
        Assert.Equal("02:00:5e:10:00:05", (await bed.IpJsonAsync("-4", "neigh", "show", "dev", "gct-vx0"))[0].GetProperty("lladdr").GetString());

        Assert.True(bed.Client.NeighbourDelete(neighbour));
        Assert.False(bed.Client.NeighbourDelete(neighbour));
        Assert.Empty(bed.Client.GetNeighbours(link.Index));
    }

    [Fact]
    public async Task A_route_with_protocol_147_is_added_replaced_and_deleted_as_ip_sees_it()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        var link = bed.Client.VxlanAdd(bed.Vxlan());
        bed.Client.AddressAdd(new LinkAddress(link.Index, IPAddress.Parse("198.18.0.1"), 24));
        var route = new Ipv4Route(IPNetwork.Parse("198.19.10.0/24"))
        {
            Gateway = Neighbour, OutputIndex = link.Index, Protocol = RouteProtocols.Gatectl, Priority = 50,
        };

        bed.Client.RouteAdd(route);

        var read = Assert.Single(bed.Client.GetRoutes(), r => r.Protocol == RouteProtocols.Gatectl);
        Assert.Equal((route.Destination, route.Gateway, route.OutputIndex, route.Priority, RouteTables.Main), (read.Destination, read.Gateway, read.OutputIndex, read.Priority, read.Table));
        var ip = (await bed.IpJsonAsync("-4", "route", "show", "proto", "147"))[0];
        Assert.Equal(("198.19.10.0/24", "198.18.0.2", "gct-vx0", 50), (ip.GetProperty("dst").GetString(), ip.GetProperty("gateway").GetString(), ip.GetProperty("dev").GetString(), ip.GetProperty("metric").GetInt32()));
        Assert.True(Assert.Throws<NetlinkException>(() => bed.Client.RouteAdd(route)).IsAlreadyExists);

        bed.Client.RouteReplace(route with { Gateway = IPAddress.Parse("198.18.0.3") });
        Assert.Equal("198.18.0.3", (await bed.IpJsonAsync("-4", "route", "show", "proto", "147"))[0].GetProperty("gateway").GetString());

        Assert.True(bed.Client.RouteDelete(route with { Gateway = null }));
        Assert.False(bed.Client.RouteDelete(route with { Gateway = null }));
        Assert.Empty((await bed.IpJsonAsync("-4", "route", "show", "proto", "147")).EnumerateArray());
    }

    [Fact]
    public async Task Deleting_by_protocol_leaves_a_foreign_route_to_the_same_prefix_alone()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        var link = bed.Client.VxlanAdd(bed.Vxlan());
        await bed.Namespace.IpAsync("route", "add", "198.19.20.0/24", "dev", "gct-vx0", "proto", "static");

        Assert.False(bed.Client.RouteDelete(new Ipv4Route(IPNetwork.Parse("198.19.20.0/24")) { OutputIndex = link.Index, Protocol = RouteProtocols.Gatectl }));

        var foreign = Assert.Single(bed.Client.GetRoutes(), r => r.Destination == IPNetwork.Parse("198.19.20.0/24"));
        Assert.Equal(RouteProtocols.Static, foreign.Protocol);
        Assert.Equal((byte)253, foreign.Scope);
    }

    [Fact]
    public async Task Routes_of_every_table_are_listed_like_ip_lists_them()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();

        var all = bed.Client.GetRoutes(table: null);

        var ip = (await bed.IpJsonAsync("-4", "route", "show", "table", "all")).EnumerateArray();
        Assert.Equal(ip.Count(), all.Count);
        Assert.Contains(all, r => r.Table == RouteTables.Local && r.Destination == IPNetwork.Parse("127.0.0.1/32"));
        Assert.Contains(all, r => r.Table == RouteTables.Main && r.Destination == IPNetwork.Parse("192.0.2.0/24") && r.Protocol == RouteProtocols.Kernel);
    }
}
