using System.Net;

namespace Gate.NetlinkCtl.Netlink.Tests.Kernel;

public class ErrorTests
{
    [Fact]
    public async Task Creating_a_device_whose_name_is_taken_fails_with_EEXIST_naming_the_request()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        bed.Client.VxlanAdd(bed.Vxlan("gct-vx0", 10));

        var error = Assert.Throws<NetlinkException>(() => bed.Client.VxlanAdd(bed.Vxlan("gct-vx0", 20)));

        Assert.Equal(17, error.Errno);
        Assert.True(error.IsAlreadyExists);
        Assert.StartsWith("RTM_NEWLINK gct-vx0 (vxlan id 20): File exists (EEXIST)", error.Message, StringComparison.Ordinal);
        Assert.Equal(10u, bed.Client.GetLink("gct-vx0")!.Vxlan!.Vni);
    }

    [Fact]
    public async Task A_change_to_a_missing_device_fails_with_ENODEV()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();

        var error = Assert.Throws<NetlinkException>(() => bed.Client.LinkSetMtu(4242, 1400));

        Assert.Equal("ENODEV", error.ErrnoName);
        Assert.True(error.IsNotFound);
        Assert.Contains("RTM_NEWLINK #4242 (mtu 1400): No such device (ENODEV)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_an_fdb_entry_that_does_not_exist_reports_ENOENT_distinctly()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        var link = bed.Client.VxlanAdd(bed.Vxlan());

        var result = bed.Client.Execute(new RtnlBatch().FdbDelete(new FdbEntry(link.Index, FdbEntry.AllZeroMac, IPAddress.Parse("203.0.113.9"))));

        var failure = Assert.Single(result.Failures);
        Assert.Equal("ENOENT", failure.Error.ErrnoName);
        Assert.True(failure.Error.IsNotFound);
        Assert.False(bed.Client.FdbDelete(new FdbEntry(link.Index, FdbEntry.AllZeroMac, IPAddress.Parse("203.0.113.9"))));
    }

    [Fact]
    public async Task The_kernels_extended_ack_message_reaches_the_exception()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();

        var error = Assert.Throws<NetlinkException>(() => bed.Client.VxlanAdd(bed.Vxlan("gct-vx0", 1 << 24)));

        Assert.Equal("ERANGE", error.ErrnoName);
        Assert.False(string.IsNullOrEmpty(error.KernelMessage));
        Assert.Contains("VXLAN ID", error.KernelMessage, StringComparison.Ordinal);
        Assert.EndsWith(": " + error.KernelMessage, error.Message, StringComparison.Ordinal);
        Assert.Empty((await bed.IpJsonAsync("link", "show", "type", "vxlan")).EnumerateArray());
    }

    [Fact]
    public async Task An_unknown_namespace_is_refused_with_the_path_it_tried()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();

        var error = Assert.Throws<NetlinkException>(() => RtnlClient.Open(bed.Namespace.Name + "-absent"));

        Assert.Equal("ENOENT", error.ErrnoName);
        Assert.Contains($"/run/netns/{bed.Namespace.Name}-absent", error.Message, StringComparison.Ordinal);
    }
}
