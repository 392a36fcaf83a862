using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Netlink.Tests;

public class TestNamespaceTests
{
    [Fact]
    public async Task A_test_namespace_exists_while_held_and_is_gone_after_dispose()
    {
        string name;
        await using (var ns = await TestNamespace.CreateAsync())
        {
            name = ns.Name;
            Assert.Contains(name, await TestNamespace.RunAsync("ip", ["netns", "list"]));
            Assert.Contains("\"operstate\":\"UNKNOWN\"", await ns.IpAsync("-j", "link", "show", "lo"));
        }

        Assert.DoesNotContain(name, await TestNamespace.RunAsync("ip", ["netns", "list"]));
    }
}
