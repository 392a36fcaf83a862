using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Netlink.Tests.Kernel;

/// <summary>A device's IPv4 forwarding and rp_filter over rtnetlink, checked against what sysctl reads and writes.</summary>
public class Ipv4DeviceConfTests
{
    [Fact]
    public async Task Forwarding_and_rp_filter_set_over_rtnetlink_are_what_sysctl_reads_and_only_that_device_changes()
    {
        await using var ns = await TestNamespace.CreateAsync("nl");
        await ns.IpAsync("link", "add", "gct-a", "type", "veth", "peer", "name", "gct-b");
        using var client = RtnlClient.Open(ns.Name);
        var a = client.GetLink("gct-a")!;
        Assert.Equal(new Ipv4DeviceConf(0, 0), a.Ipv4Conf);

        client.LinkSetIpv4Conf(a.Index, forwarding: 1, rpFilter: 2);

        Assert.Equal(new Ipv4DeviceConf(1, 2), client.GetLink("gct-a")!.Ipv4Conf);
        Assert.Equal("1", (await ns.ExecAsync("sysctl", "-n", "net.ipv4.conf.gct-a.forwarding")).Trim());
        Assert.Equal("2", (await ns.ExecAsync("sysctl", "-n", "net.ipv4.conf.gct-a.rp_filter")).Trim());
        Assert.Equal(new Ipv4DeviceConf(0, 0), client.GetLinks().Single(l => l.Name == "gct-b").Ipv4Conf);
        Assert.Equal("0", (await ns.ExecAsync("sysctl", "-n", "net.ipv4.conf.all.forwarding")).Trim());
    }

    [Fact]
    public async Task A_forwarding_change_made_with_sysctl_is_announced_as_an_IPv4_settings_event_for_that_device()
    {
        await using var ns = await TestNamespace.CreateAsync("nl");
        await ns.IpAsync("link", "add", "gct-a", "type", "veth", "peer", "name", "gct-b");
        using var client = RtnlClient.Open(ns.Name);
        var index = client.GetLink("gct-a")!.Index;
        using var listener = RtnlEventListener.Open(ns.Name, RtnlEventGroups.Ipv4Netconf);

        await ns.ExecAsync("sysctl", "-w", "net.ipv4.conf.gct-a.forwarding=1");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        Assert.Contains(new Ipv4SettingsEvent(index), listener.Receive(timeout.Token));
    }
}
