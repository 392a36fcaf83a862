using System.Net;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Tests.State;

public class InterfaceAddressTests
{
    [Theory]
    [InlineData("10.128.0.254/9", "10.128.0.254", 9, "10.128.0.0/9")]
    [InlineData("198.18.0.1/15", "198.18.0.1", 15, "198.18.0.0/15")]
    [InlineData("198.18.3.7/32", "198.18.3.7", 32, "198.18.3.7/32")]
    public void An_address_with_host_bits_parses_and_knows_its_network(string text, string address, int prefix, string network)
    {
        Assert.True(InterfaceAddress.TryParse(text, out var value));
        Assert.Equal(IPAddress.Parse(address), value.Address);
        Assert.Equal(prefix, value.PrefixLength);
        Assert.Equal(IPNetwork.Parse(network), value.Network);
        Assert.Equal(text, value.ToString());
    }

    [Theory]
    [InlineData("10.128.0.254")]
    [InlineData("10.128.0.254/33")]
    [InlineData("10.128.0.254/-1")]
    [InlineData("2001:db8::1/64")]
    [InlineData("/9")]
    [InlineData("10.128.0.256/9")]
    public void Anything_but_ipv4_with_a_prefix_is_refused(string text) =>
        Assert.False(InterfaceAddress.TryParse(text, out _));

    [Fact]
    public void Lists_of_equal_items_are_equal_so_records_compare_by_content()
    {
        var a = new[] { IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.2") }.ToEquatableList();
        var b = new[] { IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.2") }.ToEquatableList();
        var c = new[] { IPAddress.Parse("192.0.2.2"), IPAddress.Parse("192.0.2.1") }.ToEquatableList();

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
    }
}
