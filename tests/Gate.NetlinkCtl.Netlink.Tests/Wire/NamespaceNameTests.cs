using Gate.NetlinkCtl.Netlink.Sockets;

namespace Gate.NetlinkCtl.Netlink.Tests.Wire;

public class NamespaceNameTests
{
    [Theory]
    [InlineData("gct-a", "/run/netns/gct-a")]
    [InlineData("/proc/1/ns/net", "/proc/1/ns/net")]
    public void A_namespace_is_found_by_name_under_run_netns_or_by_path(string netns, string path) =>
        Assert.Equal(path, NetworkNamespace.PathOf(netns));

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("a/../../etc")]
    public void A_name_that_is_no_namespace_name_is_refused_before_anything_is_opened(string netns)
    {
        var error = Assert.Throws<ArgumentException>(() => RtnlClient.Open(netns));

        Assert.Contains("is not a network namespace name", error.Message, StringComparison.Ordinal);
    }
}
