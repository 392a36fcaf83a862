using System.Net.NetworkInformation;

namespace Gate.NetlinkCtl.Netlink.Tests.Wire;

public class PhysicalAddressTextTests
{
    [Theory]
    [InlineData("00-00-00-00-00-00", "00:00:00:00:00:00")]
    [InlineData("02-00-5E-10-00-0A", "02:00:5e:10:00:0a")]
    [InlineData("FF-FF-FF-FF-FF-FF", "ff:ff:ff:ff:ff:ff")]
    [InlineData("A1-B2-C3-D4-E5-F6-07-18", "a1:b2:c3:d4:e5:f6:07:18")]
    [InlineData("0F", "0f")]
    [InlineData("", "")]
    public void A_mac_prints_as_lower_case_hex_pairs_joined_by_colons_as_ip_prints_it(string parsed, string printed) =>
        Assert.Equal(printed, PhysicalAddress.Parse(parsed).ToColonString());
}
