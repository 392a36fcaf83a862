using System.Net;
using System.Net.NetworkInformation;
using Gate.NetlinkCtl.Netlink.Sockets;
using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink.Tests.Wire;

public class NetlinkReaderTests
{
    [Fact]
    public void A_captured_vxlan_link_reply_decodes_to_every_setting_ip_gave_it()
    {
        var link = LinkCodec.Decode(Header(RtmType.NewLink), CapturedReplies.Bytes(CapturedReplies.VxlanLink));

        Assert.NotNull(link);
        Assert.Equal((4, "gct-cap", "vxlan", 1450), (link.Index, link.Name, link.Kind, link.Mtu));
        Assert.Equal(PhysicalAddress.Parse("02-00-5E-10-00-0A"), link.Mac);
        Assert.Equal("gatectl:cap", link.Alias);
        Assert.False(link.IsUp);
        Assert.Equal(LinkOperState.Down, link.OperState);
        var vxlan = Assert.IsType<VxlanSettings>(link.Vxlan);
        Assert.Equal(10u, vxlan.Vni);
        Assert.Equal(IPAddress.Parse("192.0.2.1"), vxlan.Local);
        Assert.Equal(3, vxlan.UnderlayIndex);
        Assert.Equal((ushort)4789, vxlan.Port);
        Assert.Equal(new VxlanPortRange(4789, 4789), vxlan.SourcePorts);
        Assert.False(vxlan.Learning);
        Assert.Equal((byte)64, vxlan.Ttl);
        Assert.Equal(300u, vxlan.Ageing);
        Assert.True(vxlan.UdpChecksum);
        Assert.False(vxlan.CollectMetadata);
    }

    [Fact]
    public void A_captured_fdb_reply_decodes_to_the_all_zero_entry()
    {
        var entry = NeighbourCodec.DecodeFdb(Header(RtmType.NewNeigh), CapturedReplies.Bytes(CapturedReplies.AllZeroFdbEntry));

        Assert.NotNull(entry);
        Assert.Equal(FdbEntry.AllZeroMac, entry.Mac);
        Assert.Equal(IPAddress.Parse("203.0.113.4"), entry.Destination);
        Assert.Equal((4, NeighbourState.Permanent | NeighbourState.NoArp, NeighbourFlags.Self), (entry.LinkIndex, entry.State, entry.Flags));
    }

    [Fact]
    public void Flood_entries_decoded_from_a_dump_share_one_all_zero_mac_and_keep_every_other_field_unset()
    {
        var first = NeighbourCodec.DecodeFdb(Header(RtmType.NewNeigh), CapturedReplies.Bytes(CapturedReplies.AllZeroFdbEntry));
        var second = NeighbourCodec.DecodeFdb(Header(RtmType.NewNeigh), CapturedReplies.Bytes(CapturedReplies.AllZeroFdbEntry));

        Assert.NotNull(first);
        Assert.Same(FdbEntry.AllZeroMac, first.Mac);
        Assert.Same(first.Mac, second!.Mac);
        Assert.Equal(first, second);
        Assert.Equal(new FdbEntry(4, FdbEntry.AllZeroMac, IPAddress.Parse("203.0.113.4")), first);
    }

    [Fact]
    public void A_captured_address_reply_decodes_to_loopback()
    {
        var address = AddressCodec.Decode(Header(RtmType.NewAddr), CapturedReplies.Bytes(CapturedReplies.LoopbackAddress));

        Assert.Equal(new LinkAddress(1, IPAddress.Loopback, 8) { Label = "lo", Scope = 254, Flags = 0x80 }, address);
    }

    [Fact]
    public void Unknown_attributes_are_skipped()
    {
        var payload = Convert.FromHexString((
            "00000000 02000000 00000000 00000000" + // ifinfomsg, index 2
            "0800 E703 DEADBEEF" + //                  attribute 999: unknown
            "0700 0300 6C6F00 00" + //                 IFLA_IFNAME "lo"
            "0500 FF7F 01 000000").Replace(" ", "", StringComparison.Ordinal)); // attribute 32767: unknown

        var link = LinkCodec.Decode(Header(RtmType.NewLink), payload);

        Assert.Equal(new Link(2, "lo"), link);
    }

    [Theory]
    [InlineData("0000 0000 02000000", "ifinfomsg needs 16 bytes but only 8 remain")]
    [InlineData("00000000 02000000 00000000 00000000 0900 0300 6C6F00", "attribute has an invalid length 9")]
    [InlineData("00000000 02000000 00000000 00000000 0300 0300", "attribute has an invalid length 3")]
    [InlineData("00000000 02000000 00000000 00000000 0500 0400 01 000000", "attribute 4 holds 1 bytes, expected 4")]
    [InlineData("00000000 02000000 00000000 00000000 0800 0400 DC050000", "the message lacks IFLA_IFNAME")]
    public void Malformed_link_messages_fail_with_an_exact_decode_error(string hex, string message)
    {
        var payload = Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

        var error = Assert.Throws<NetlinkDecodeException>(() => LinkCodec.Decode(Header(RtmType.NewLink), payload));

        Assert.Equal("malformed netlink message: " + message, error.Message);
    }

    [Fact]
    public void An_error_ack_yields_the_errno_and_the_kernels_message()
    {
        var message = Convert.ToHexString("VXLAN ID must be lower than 16777216\0"u8);
        var payload = Convert.FromHexString((
            "DEFFFFFF" + //                            error -34 (ERANGE)
            "8C000000 1000 0506 01000000 00000000" + // the original request's header (capped, no payload)
            "2900 0100" + //                           NLMSGERR_ATTR_MSG, 4 + 37 bytes
            message + "000000").Replace(" ", "", StringComparison.Ordinal)); // the text, padded
        var header = new NlMsgHeader((uint)(16 + payload.Length), NlMsgType.Error, NlmFlags.Capped | NlmFlags.AckTlvs, 1, 0);

        var (errno, text) = NetlinkConnection.ReadError(header, payload);

        Assert.Equal(34, errno);
        Assert.Equal("VXLAN ID must be lower than 16777216", text);
    }

    [Fact]
    public void Messages_in_a_datagram_are_walked_to_the_end_and_a_truncated_one_is_refused()
    {
        var datagram = Convert.FromHexString("14000000 0300 0200 07000000 00000000 00000000 10000000 0100 0000 08000000 00000000 20000000".Replace(" ", "", StringComparison.Ordinal));

        var reader = new NetlinkMessageReader(datagram);
        Assert.True(reader.TryRead(out var done, out var donePayload));
        Assert.Equal((NlMsgType.Done, 7u, 4), (done.Type, done.Sequence, donePayload.Length));
        Assert.True(reader.TryRead(out var noop, out _));
        Assert.Equal(8u, noop.Sequence);

        var error = Assert.Throws<NetlinkDecodeException>(() =>
        {
            var r = new NetlinkMessageReader(datagram);
            r.TryRead(out _, out _);
            r.TryRead(out _, out _);
            r.TryRead(out _, out _);
        });
        Assert.Equal("malformed netlink message: nlmsghdr needs 16 bytes but only 4 remain", error.Message);
    }

    internal static NlMsgHeader Header(ushort type) => new(0, type, 0, 0, 0);
}
