using System.Net;
using System.Net.NetworkInformation;

namespace Gate.NetlinkCtl.Netlink.Tests.Kernel;

public class LinkTests
{
    [Fact]
    public async Task A_vxlan_device_is_created_with_every_setting_and_read_back_by_the_client_and_by_ip()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        var spec = bed.Vxlan("gct-vx0", 4242) with { Ttl = 64, Mtu = 1400, Mac = PhysicalAddress.Parse("02-00-5E-10-00-01"), Port = 4790 };

        var created = bed.Client.VxlanAdd(spec);

        var read = bed.Client.GetLink("gct-vx0");
        Assert.Equal(created, read);
        Assert.NotNull(read);
        Assert.Equal("vxlan", read.Kind);
        Assert.True(read.IsUp);
        Assert.Equal(1400, read.Mtu);
        Assert.Equal(spec.Mac, read.Mac);
        Assert.Equal("gatectl:test", read.Alias);
        var vxlan = Assert.IsType<VxlanSettings>(read.Vxlan);
        Assert.Equal(4242u, vxlan.Vni);
        Assert.Equal(NetlinkTestBed.UnderlayAddress, vxlan.Local);
        Assert.Equal(bed.UnderlayIndex, vxlan.UnderlayIndex);
        Assert.Equal((ushort)4790, vxlan.Port);
        Assert.Equal(new VxlanPortRange(4789, 4789), vxlan.SourcePorts);
        Assert.False(vxlan.Learning);
        Assert.Equal((byte)64, vxlan.Ttl);

        var ip = (await bed.IpJsonAsync("-d", "link", "show", "dev", "gct-vx0"))[0];
        var data = ip.GetProperty("linkinfo").GetProperty("info_data");
        Assert.Equal("vxlan", ip.GetProperty("linkinfo").GetProperty("info_kind").GetString());
        Assert.Equal(4242, data.GetProperty("id").GetInt32());
        Assert.Equal("192.0.2.1", data.GetProperty("local").GetString());
        Assert.Equal("und0", data.GetProperty("link").GetString());
        Assert.Equal(4790, data.GetProperty("port").GetInt32());
        Assert.Equal(4789, data.GetProperty("port_range").GetProperty("low").GetInt32());
        Assert.Equal(4789, data.GetProperty("port_range").GetProperty("high").GetInt32());
        Assert.False(data.GetProperty("learning").GetBoolean());
        Assert.Equal(64, data.GetProperty("ttl").GetInt32());
        Assert.Equal(1400, ip.GetProperty("mtu").GetInt32());
        Assert.Equal("02:00:5e:10:00:01", ip.GetProperty("address").GetString());
        Assert.Equal("gatectl:test", ip.GetProperty("ifalias").GetString());
        Assert.Contains("UP", ip.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task A_vxlan_device_made_by_ip_is_decoded_attribute_by_attribute()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        await bed.Namespace.IpAsync(
            "link", "add", "gct-ipvx", "type", "vxlan", "id", "77", "remote", "198.51.100.7", "local", "192.0.2.1", "dev", "und0",
            "dstport", "8472", "srcport", "1000", "2000", "nolearning", "ttl", "10", "tos", "inherit", "ageing", "100",
            "maxaddress", "50", "proxy", "l2miss", "l3miss", "noudpcsum", "df", "set");

        var vxlan = bed.Client.GetLink("gct-ipvx")?.Vxlan;

        Assert.NotNull(vxlan);
        Assert.Equal(77u, vxlan.Vni);
        Assert.Equal(IPAddress.Parse("198.51.100.7"), vxlan.Group);
        Assert.Equal(NetlinkTestBed.UnderlayAddress, vxlan.Local);
        Assert.Equal(bed.UnderlayIndex, vxlan.UnderlayIndex);
        Assert.Equal((ushort)8472, vxlan.Port);
        Assert.Equal(new VxlanPortRange(1000, 2000), vxlan.SourcePorts);
        Assert.False(vxlan.Learning);
        Assert.Equal((byte)10, vxlan.Ttl);
        Assert.Equal((byte)1, vxlan.Tos);
        Assert.Equal(100u, vxlan.Ageing);
        Assert.Equal(50u, vxlan.Limit);
        Assert.True(vxlan.Proxy);
        Assert.True(vxlan.L2Miss);
        Assert.True(vxlan.L3Miss);
        Assert.False(vxlan.UdpChecksum);
        Assert.Equal((byte)1, vxlan.Df);
        Assert.False(vxlan.CollectMetadata);
    }

    [Fact]
    public async Task Mtu_up_down_and_alias_changes_are_seen_by_ip()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        var link = bed.Client.VxlanAdd(bed.Vxlan());

        bed.Client.LinkSetMtu(link.Index, 1380);
        bed.Client.LinkSetDown(link.Index);
        bed.Client.LinkSetAlias(link.Index, "gatectl:other");

        var ip = (await bed.IpJsonAsync("link", "show", "dev", "gct-vx0"))[0];
        Assert.Equal(1380, ip.GetProperty("mtu").GetInt32());
        Assert.DoesNotContain("UP", ip.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("gatectl:other", ip.GetProperty("ifalias").GetString());
        var read = bed.Client.GetLink(link.Index);
        Assert.Equal((1380, false, "gatectl:other"), (read!.Mtu, read.IsUp, read.Alias));

        bed.Client.LinkSetUp(link.Index);
        bed.Client.LinkSetAlias(link.Index, "");

        ip = (await bed.IpJsonAsync("link", "show", "dev", "gct-vx0"))[0];
        Assert.Contains("UP", ip.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.False(ip.TryGetProperty("ifalias", out _));
        Assert.Null(bed.Client.GetLink(link.Index)!.Alias);
    }

    [Fact]
    public async Task Every_device_is_listed_and_found_by_name_and_by_index()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        bed.Client.VxlanAdd(bed.Vxlan());

        var links = bed.Client.GetLinks();

        var ipNames = (await bed.IpJsonAsync("link", "show")).EnumerateArray().Select(l => l.GetProperty("ifname").GetString()).Order();
        Assert.Equal(ipNames, links.Select(l => l.Name).Order());
        foreach (var link in links)
        {
            Assert.Equal(link, bed.Client.GetLink(link.Name));
            Assert.Equal(link, bed.Client.GetLink(link.Index));
        }

        Assert.Null(bed.Client.GetLink("gct-absent"));
        Assert.Null(bed.Client.GetLink(99999));
    }

    [Fact]
    public async Task Deleting_a_device_reports_whether_it_was_there()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        var link = bed.Client.VxlanAdd(bed.Vxlan());

        Assert.True(bed.Client.LinkDelete(link.Index));
        Assert.False(bed.Client.LinkDelete(link.Index));
        Assert.Empty((await bed.IpJsonAsync("link", "show", "type", "vxlan")).EnumerateArray());
    }
}
