using System.Net;

namespace Gate.NetlinkCtl.Netlink.Tests.Kernel;

public class AddressTests
{
    [Fact]
    public async Task An_address_with_metric_147_is_added_and_read_back_by_the_client_and_by_ip()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        var link = bed.Client.VxlanAdd(bed.Vxlan());
        var address = new LinkAddress(link.Index, IPAddress.Parse("198.18.0.1"), 15) { Metric = 147 };

        bed.Client.AddressAdd(address);

        var read = Assert.Single(bed.Client.GetAddresses(link.Index));
        Assert.Equal((address.Address, address.PrefixLength, address.Metric), (read.Address, read.PrefixLength, read.Metric));
        var ip = (await bed.IpJsonAsync("-4", "addr", "show", "dev", "gct-vx0"))[0].GetProperty("addr_info")[0];
        Assert.Equal("198.18.0.1", ip.GetProperty("local").GetString());
        Assert.Equal(15, ip.GetProperty("prefixlen").GetInt32());
        Assert.Equal(147, ip.GetProperty("metric").GetInt32());
        var prefixRoute = (await bed.IpJsonAsync("-4", "route", "show", "dev", "gct-vx0"))[0];
        Assert.Equal("198.18.0.0/15", prefixRoute.GetProperty("dst").GetString());
        Assert.Equal(147, prefixRoute.GetProperty("metric").GetInt32());
    }

    [Fact]
    public async Task Addresses_of_every_device_are_listed_like_ip_lists_them()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();

        var all = bed.Client.GetAddresses();

        var ip = (await bed.IpJsonAsync("-4", "addr", "show")).EnumerateArray()
            .SelectMany(l => l.GetProperty("addr_info").EnumerateArray().Select(a => $"{l.GetProperty("ifindex").GetInt32()} {a.GetProperty("local").GetString()}/{a.GetProperty("prefixlen").GetInt32()}"));
        Assert.Equal(ip.Order(), all.Select(a => $"{a.LinkIndex} {a.Address}/{a.PrefixLength}").Order());
        Assert.Contains(all, a => a.Address.Equals(IPAddress.Loopback));
    }

    [Fact]
    public async Task Replacing_an_address_changes_its_metric_in_place()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        var link = bed.Client.VxlanAdd(bed.Vxlan());
        var address = new LinkAddress(link.Index, IPAddress.Parse("198.18.0.1"), 24) { Metric = 100 };
        bed.Client.AddressAdd(address);

        bed.Client.AddressReplace(address with { Metric = 147 });

        Assert.Equal(147u, Assert.Single(bed.Client.GetAddresses(link.Index)).Metric);
        Assert.Equal(147, (await bed.IpJsonAsync("-4", "addr", "show", "dev", "gct-vx0"))[0].GetProperty("addr_info")[0].GetProperty("metric").GetInt32());
    }

    [Fact]
    public async Task Adding_an_address_twice_fails_with_EEXIST_and_deleting_twice_reports_it_gone()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        var link = bed.Client.VxlanAdd(bed.Vxlan());
        var address = new LinkAddress(link.Index, IPAddress.Parse("198.18.0.1"), 24);
        bed.Client.AddressAdd(address);

        var error = Assert.Throws<NetlinkException>(() => bed.Client.AddressAdd(address));

        Assert.True(error.IsAlreadyExists);
        Assert.Equal("EEXIST", error.ErrnoName);
        Assert.True(bed.Client.AddressDelete(address));
        Assert.False(bed.Client.AddressDelete(address));
        Assert.Empty(bed.Client.GetAddresses(link.Index));
        Assert.Empty((await bed.IpJsonAsync("-4", "addr", "show", "dev", "gct-vx0")).EnumerateArray());
    }
}
