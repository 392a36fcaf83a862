using System.Net;
using System.Net.NetworkInformation;

namespace Gate.NetlinkCtl.Netlink.Tests.Kernel;

public class BatchTests
{
    [Fact]
    public async Task A_batch_mixing_addresses_neighbours_fdb_entries_and_routes_applies_in_order()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        var link = bed.Client.VxlanAdd(bed.Vxlan());
        var address = new LinkAddress(link.Index, IPAddress.Parse("198.18.0.1"), 24) { Metric = 147 };
        var neighbour = new Neighbour(link.Index, IPAddress.Parse("198.18.0.2"), PhysicalAddress.Parse("02-00-5E-10-00-0B"));
        var route = new Ipv4Route(IPNetwork.Parse("198.19.5.0/24")) { Gateway = neighbour.Address, Protocol = RouteProtocols.Gatectl };

        var result = bed.Client.Execute(new RtnlBatch()
            .AddressAdd(address)
            .NeighbourAdd(neighbour)
            .FdbAppend(new FdbEntry(link.Index, FdbEntry.AllZeroMac, IPAddress.Parse("203.0.113.4")))
            .RouteAdd(route));

        Assert.True(result.Succeeded, string.Join("\n", result.Failures));
        Assert.Equal(147u, Assert.Single(bed.Client.GetAddresses(link.Index)).Metric);
        Assert.Equal(neighbour, Assert.Single(bed.Client.GetNeighbours(link.Index)));
        Assert.Single(bed.Client.GetFdb(link.Index));
        Assert.Equal("198.18.0.2", (await bed.IpJsonAsync("-4", "route", "show", "proto", "147"))[0].GetProperty("gateway").GetString());

        var undo = bed.Client.Execute(new RtnlBatch().RouteDelete(route).NeighbourDelete(neighbour).AddressDelete(address));

        Assert.True(undo.Succeeded, string.Join("\n", undo.Failures));
        Assert.Empty(bed.Client.GetAddresses(link.Index));
        Assert.Empty(bed.Client.GetNeighbours(link.Index));
        Assert.DoesNotContain(bed.Client.GetRoutes(), r => r.Protocol == RouteProtocols.Gatectl);
    }

    [Fact]
    public async Task An_empty_batch_sends_nothing_and_succeeds()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();

        var result = bed.Client.Execute(new RtnlBatch());

        Assert.Equal((0, true), (result.Count, result.Succeeded));
    }

    [Fact]
    public async Task One_client_can_be_shared_by_threads()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        var link = bed.Client.VxlanAdd(bed.Vxlan());

        await Task.WhenAll(Enumerable.Range(1, 8).Select(i => Task.Run(() =>
        {
            bed.Client.FdbAppend(new FdbEntry(link.Index, FdbEntry.AllZeroMac, IPAddress.Parse($"203.0.113.{i}")));
            Assert.NotEmpty(bed.Client.GetLinks());
        })));

        Assert.Equal(8, bed.Client.GetFdb(link.Index).Count);
    }
}
