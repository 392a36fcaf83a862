using System.Net;
using System.Net.NetworkInformation;
using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink.Tests.Wire;

public class NetlinkWriterTests
{
    [Theory]
    [InlineData("", "0400 0300")]
    [InlineData("a", "0600 0300 6100 0000")]
    [InlineData("ab", "0700 0300 616200 00")]
    [InlineData("abc", "0800 0300 61626300")]
    [InlineData("abcd", "0900 0300 61626364 00 000000")]
    public void A_string_attribute_is_nul_terminated_and_padded_to_four_bytes(string value, string expected)
    {
        var buffer = new byte[64];
        var w = new NetlinkWriter(buffer);

        if (value.Length == 0)
        {
            w.WriteAttribute(3, []);
        }
        else
        {
            w.WriteString(3, value);
        }

        Assert.Equal(Hex(expected), Convert.ToHexString(w.Written));
    }

    [Fact]
    public void A_nested_attribute_is_flagged_and_its_length_covers_its_padded_children()
    {
        var buffer = new byte[64];
        var w = new NetlinkWriter(buffer);

        var nest = w.BeginNested(18);
        w.WriteU8(7, 1);
        w.WriteBigEndianU16(15, 4789);
        w.EndNested(nest);

        Assert.Equal(Hex("1400 1280  0500 0700 01 000000  0600 0F00 12B5 0000"), Convert.ToHexString(w.Written));
    }

    [Fact]
    public void The_vxlan_create_request_has_the_bytes_the_kernel_expects()
    {
        var buffer = new byte[512];
        var w = new NetlinkWriter(buffer);
        var spec = new VxlanLinkSpec("gct-vx0", 10)
        {
            Local = IPAddress.Parse("192.0.2.1"),
            UnderlayIndex = 2,
            SourcePorts = new VxlanPortRange(4789, 4789),
            Learning = false,
            Ttl = 64,
            Mtu = 1450,
            Mac = PhysicalAddress.Parse("02-00-5E-10-00-01"),
        };

        LinkCodec.WriteVxlanCreate(ref w, spec);

        var expected = Hex(
            "8C000000 1000 0506 00000000 00000000" + // nlmsghdr: 140 bytes, RTM_NEWLINK, REQUEST|ACK|EXCL|CREATE
            "00 00 0000 00000000 00000000 00000000" + // ifinfomsg: AF_UNSPEC, no index, no flags
            "0C00 0300 6763742D76783000" + //           IFLA_IFNAME "gct-vx0\0"
            "0800 0400 AA050000" + //                   IFLA_MTU 1450
            "0A00 0100 02005E100001 0000" + //          IFLA_ADDRESS 02:00:5e:10:00:01 + padding
            "4C00 1280" + //                            IFLA_LINKINFO (nested), 76 bytes
            "  0A00 0100 7678 6C61 6E00 0000" + //        IFLA_INFO_KIND "vxlan\0" + padding
            "  3C00 0280" + //                            IFLA_INFO_DATA (nested), 60 bytes
            "    0800 0100 0A000000" + //                   IFLA_VXLAN_ID 10
            "    0800 0400 C0000201" + //                   IFLA_VXLAN_LOCAL 192.0.2.1
            "    0800 0300 02000000" + //                   IFLA_VXLAN_LINK 2
            "    0600 0F00 12B5 0000" + //                  IFLA_VXLAN_PORT 4789 (big-endian)
            "    0800 0A00 12B5 12B5" + //                  IFLA_VXLAN_PORT_RANGE 4789-4789 (big-endian)
            "    0500 0700 00 000000" + //                  IFLA_VXLAN_LEARNING 0
            "    0500 0500 40 000000"); //                  IFLA_VXLAN_TTL 64
        Assert.Equal(expected, Convert.ToHexString(w.Written));
    }

    // The expected bytes are what strace showed iproute2 6.1 send for
    // `bridge fdb append 00:00:00:00:00:00 dev vx dst 203.0.113.4 self permanent` (ifindex and sequence aside).
    [Fact]
    public void An_fdb_append_request_has_the_bytes_of_bridge_fdb_append()
    {
        var buffer = new byte[128];
        var w = new NetlinkWriter(buffer);

        RtnlRequests.Fdb.Append(new FdbEntry(5, FdbEntry.AllZeroMac, IPAddress.Parse("203.0.113.4"))).Write(ref w);

        var expected = Hex(
            "30000000 1C00 050C 00000000 00000000" + // nlmsghdr: 48 bytes, RTM_NEWNEIGH, REQUEST|ACK|CREATE|APPEND
            "07 00 0000 05000000 C000 02 00" + //       ndmsg: AF_BRIDGE, ifindex 5, NUD_NOARP|NUD_PERMANENT, NTF_SELF
            "0A00 0200 000000000000 0000" + //          NDA_LLADDR 00:00:00:00:00:00 + padding
            "0800 0100 CB007104"); //                   NDA_DST 203.0.113.4
        Assert.Equal(expected, Convert.ToHexString(w.Written));
    }

    [Fact]
    public void A_route_in_a_table_above_255_names_the_table_only_in_RTA_TABLE()
    {
        var buffer = new byte[128];
        var w = new NetlinkWriter(buffer);

        RouteCodec.WriteNew(ref w, NlmFlags.Create | NlmFlags.Excl, new Ipv4Route(IPNetwork.Parse("198.19.0.0/16"))
        {
            OutputIndex = 7, Protocol = RouteProtocols.Gatectl, Table = 1000,
        });

        var expected = Hex(
            "34000000 1800 0506 00000000 00000000" + // nlmsghdr: 52 bytes, RTM_NEWROUTE, REQUEST|ACK|EXCL|CREATE
            "02 10 00 00 00 93 FD 01 00000000" + //    rtmsg: AF_INET, /16, table unspec, proto 147, scope link, unicast
            "0800 0F00 E8030000" + //                  RTA_TABLE 1000
            "0800 0100 C6130000" + //                  RTA_DST 198.19.0.0
            "0800 0400 07000000"); //                  RTA_OIF 7
        Assert.Equal(expected, Convert.ToHexString(w.Written));
    }

    [Fact]
    public void Writing_past_the_end_of_the_buffer_is_refused()
    {
        var buffer = new byte[20];

        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            var w = new NetlinkWriter(buffer);
            LinkCodec.WriteDump(ref w);
        });

        Assert.Contains("needs 16 more bytes but the buffer has 4 left", error.Message, StringComparison.Ordinal);
    }

    private static string Hex(string spaced) => spaced.Replace(" ", "", StringComparison.Ordinal);
}
