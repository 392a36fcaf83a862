using System.Net;
using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink.Tests.Wire;

/// <summary>
/// nf_tables messages byte for byte against what nft 1.0.6 sends for the same objects (captured with
/// <c>nft --debug=mnl</c> on table <c>inet t</c>); the set ids nft puts in elements and lookups are left out,
/// the kernel finds a set of the same transaction by name.
/// </summary>
public sealed class NfTablesCodecTests
{
    private const byte Inet = 1;
    private const ushort Flags = NlmFlags.Request;

    private static string Payload(ReadOnlySpan<byte> message) => Convert.ToHexStringLower(message[NlMsgHeader.Size..]);

    private static string Encode(Write write)
    {
        var buffer = new byte[4096];
        var w = new NetlinkWriter(buffer);
        write(ref w);
        return Payload(w.Written);
    }

    private delegate void Write(ref NetlinkWriter w);

    [Fact]
    public void A_table_is_written_as_nft_writes_it()
    {
        Assert.Equal(
            "0100000006000100740000000800020000000000",
            Encode((ref NetlinkWriter w) => NfTablesCodec.WriteTable(ref w, NftMsg.NewTable, Flags, Inet, "t", 0)));
    }

    [Fact]
    public void A_filter_input_chain_is_written_as_nft_writes_it()
    {
        Assert.Equal(
            "0100000006000100740000000a000300696e7075740000000b00070066696c746572000008000500000000011400048008000100000000010800020000000000",
            Encode((ref NetlinkWriter w) => NfTablesCodec.WriteChain(ref w, Flags, Inet, "t", NfChain.FilterInput("input"))));
    }

    [Fact]
    public void A_set_of_ipv4_addresses_is_written_as_nft_writes_it()
    {
        Assert.Equal(
            "01000000060001007400000011000200736f75726365735f6d61696e0000000008000300000000000800040000000007080005000000000"
            + "408000a00000000010a000d000004020000000000",
            Encode((ref NetlinkWriter w) => NfTablesCodec.WriteSet(ref w, Flags, Inet, "t", NfSet.OfIpv4Addresses("sources_main"), 1)));
    }

    [Fact]
    public void A_set_element_is_written_as_nft_writes_it_without_its_set_id()
    {
        Assert.Equal(
            "01000000060001007400000011000200736f75726365735f6d61696e0000000014000380100001800c00018008000100cb00710a",
            Encode((ref NetlinkWriter w) => NfTablesCodec.WriteSetElements(ref w, NftMsg.NewSetElem, Flags, Inet, "t", "sources_main", [IPAddress.Parse("203.0.113.10")])));
    }

    [Fact]
    public void The_guards_accept_rule_is_written_as_nft_writes_it_without_its_set_id()
    {
        // ip daddr 192.0.2.1 udp dport 4789 ip saddr @sources_main counter accept comment "main: VPG endpoints and peers"
        var rule = NfRule.Create(
            "input",
            "main: VPG endpoints and peers",
            new NfMetaLoad(NfMetaLoad.NfProto), new NfCmpEqual([2]),
            new NfPayloadLoad(NfPayloadLoad.NetworkHeader, 16, 4), new NfCmpEqual([192, 0, 2, 1]),
            new NfMetaLoad(NfMetaLoad.L4Proto), new NfCmpEqual([17]),
            new NfPayloadLoad(NfPayloadLoad.TransportHeader, 2, 2), new NfCmpEqual([0x12, 0xb5]),
            new NfPayloadLoad(NfPayloadLoad.NetworkHeader, 12, 4), new NfLookup("sources_main"),
            new NfCounter(), NfVerdict.Accept);

        var encoded = Encode((ref NetlinkWriter w) => NfTablesCodec.WriteRule(ref w, Flags, Inet, "t", rule));

        Assert.Equal(
            "0100000006000100740000000a000200696e707574000000"
            + "0c020480" // NFTA_RULE_EXPRESSIONS: nft's 0x214 minus the 8 bytes of NFTA_LOOKUP_SET_ID
            + "24000180090001006d6574610000000014000280080002000000000f0800010000000001"
            + "2c00018008000100636d700020000280080001000000000108000200000000000c0003800500010002000000"
            + "340001800c0001007061796c6f6164002400028008000100000000010800020000000001080003000000001008000400000000042c00018008000100636d700020000280080001000000000108000200000000000c00038008000100c0000201"
            + "24000180090001006d657461000000001400028008000200000000100800010000000001"
            + "2c00018008000100636d700020000280080001000000000108000200000000000c0003800500010011000000"
            + "340001800c0001007061796c6f6164002400028008000100000000010800020000000002080003000000000208000400000000022c00018008000100636d700020000280080001000000000108000200000000000c0003800600010012b50000"
            + "340001800c0001007061796c6f6164002400028008000100000000010800020000000001080003000000000c0800040000000004"
            + "300001800b0001006c6f6f6b7570000020000280080002000000000111000100736f75726365735f6d61696e00000000"
            + "140001800c000100636f756e74657200040002803000"
            + "01800e000100696d6d6564696174650000001c0002800800010000000000100002800c0002800800010000000001"
            + "24000700001e6d61696e3a2056504720656e64706f696e747320616e6420706565727300",
            encoded);
    }

    [Fact]
    public void A_batch_is_framed_by_begin_and_end_for_the_nf_tables_subsystem()
    {
        var (bytes, offsets) = new NfTransaction().AddTable("t").Encode();

        Assert.Equal([0, 20, 56], offsets);
        Assert.Equal("0000000a", Payload(bytes.AsSpan(0, 20)));
        Assert.Equal(0x10, BitConverter.ToUInt16(bytes, 4));
        Assert.Equal(0x11, BitConverter.ToUInt16(bytes, 56 + 4));
        Assert.Equal(NlmFlags.Request | NlmFlags.Ack | NlmFlags.Create, BitConverter.ToUInt16(bytes, 20 + 6));
    }

    [Fact]
    public void Ten_thousand_elements_go_in_messages_of_at_most_1024()
    {
        var elements = Enumerable.Range(0, 10_000).Select(i => new IPAddress([198, 18, (byte)(i >> 8), (byte)i]));

        var transaction = new NfTransaction().AddElements("t", "s", elements);

        Assert.Equal(10, transaction.Count);
        Assert.Contains("NFT_MSG_NEWSETELEM t s 784 elements", transaction.Requests);
    }

    [Fact]
    public void A_dumped_rule_decodes_to_the_rule_that_was_written_and_counters_do_not_change_its_text()
    {
        var written = NfRule.Create("input", "c", new NfMetaLoad(NfMetaLoad.L4Proto), new NfCmpEqual([17]), new NfCounter(), NfVerdict.Drop);
        var buffer = new byte[1024];
        var w = new NetlinkWriter(buffer);
        NfTablesCodec.WriteRule(ref w, Flags, Inet, "t", written);

        var (table, read) = NfTablesCodec.DecodeRule(w.Written[NlMsgHeader.Size..])!.Value;

        Assert.Equal("t", table);
        Assert.True(read.SameAs(written));
        Assert.Equal("c", read.Comment);
        Assert.Equal("meta(1=00000001 2=00000010) cmp(1=00000001 2=00000000 3={1=11}) counter immediate(1=00000000 2={2={1=00000000}})", read.Text);
    }

    [Fact]
    public void A_comment_longer_than_nft_allows_is_refused()
    {
        Assert.Throws<ArgumentException>(() => NfRule.Create("input", new string('x', 300), new NfCounter()));
    }
}
