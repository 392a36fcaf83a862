using System.Net;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Netlink.Tests.Kernel;

/// <summary>nf_tables transactions and table reads against the kernel, in a namespace of the test's own; nft is the witness.</summary>
public sealed class NfTablesClientTests
{
    private const string Table = "gct_probe";

    private static readonly IPAddress A = IPAddress.Parse("203.0.113.10");
    private static readonly IPAddress B = IPAddress.Parse("203.0.113.11");
    private static readonly IPAddress C = IPAddress.Parse("198.51.100.7");

    private static NfRule Accept() => NfRule.Create(
        "input",
        "probe: allowed sources",
        new NfMetaLoad(NfMetaLoad.NfProto), new NfCmpEqual([2]),
        new NfPayloadLoad(NfPayloadLoad.NetworkHeader, 16, 4), new NfCmpEqual([192, 0, 2, 1]),
        new NfMetaLoad(NfMetaLoad.L4Proto), new NfCmpEqual([17]),
        new NfPayloadLoad(NfPayloadLoad.TransportHeader, 2, 2), new NfCmpEqual([0x12, 0xb5]),
        new NfPayloadLoad(NfPayloadLoad.NetworkHeader, 12, 4), new NfLookup("sources"),
        new NfCounter(), NfVerdict.Accept);

    private static NfTableContents Contents(params IPAddress[] sources) => new(
        Table,
        0,
        [NfChain.FilterInput("input")],
        [new NfSetContents(NfSet.OfIpv4Addresses("sources"), sources)],
        [Accept()]);

    private static async Task<TestNamespace> NamespaceAsync()
    {
        Prerequisites.RequireCommand("nft", "nftables");
        return await TestNamespace.CreateAsync("nfc");
    }

    [Fact]
    public async Task A_table_written_in_one_transaction_reads_back_as_written_and_nft_prints_its_rule()
    {
        await using var ns = await NamespaceAsync();
        using var client = NfTablesClient.Open(ns.Name);

        client.Commit(new NfTransaction().ReplaceTable(Contents(A, B)));
        var read = client.ReadTable(Table);

        Assert.NotNull(read);
        Assert.Equal([NfChain.FilterInput("input")], read.Chains);
        var set = Assert.Single(read.Sets);
        Assert.Equal(NfSet.OfIpv4Addresses("sources"), set.Definition);
        Assert.Equal(new[] { A, B }.OrderBy(a => a.ToString()), set.Elements.OrderBy(a => a.ToString()));
        Assert.Equal(Accept().Text, Assert.Single(read.Rules).Text);
        Assert.True(read.Rules[0].SameAs(Accept()));
        var listing = await ns.ExecAsync("nft", "list", "table", "inet", Table);
        Assert.Contains("ip daddr 192.0.2.1 udp dport 4789 ip saddr @sources counter packets 0 bytes 0 accept comment \"probe: allowed sources\"", listing, StringComparison.Ordinal);
        Assert.Contains("elements = { 203.0.113.10, 203.0.113.11 }", listing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_absent_table_reads_as_null_and_replacing_a_table_twice_leaves_one_copy()
    {
        await using var ns = await NamespaceAsync();
        using var client = NfTablesClient.Open(ns.Name);

        var before = client.ReadTable(Table);
        client.Commit(new NfTransaction().ReplaceTable(Contents(A)));
        client.Commit(new NfTransaction().ReplaceTable(Contents(B)));
        var after = client.ReadTable(Table)!;

        Assert.Null(before);
        Assert.Equal([B], Assert.Single(after.Sets).Elements);
        Assert.Single(after.Rules);
    }

    [Fact]
    public async Task Elements_change_one_by_one_without_touching_the_rest_of_the_table()
    {
        await using var ns = await NamespaceAsync();
        using var client = NfTablesClient.Open(ns.Name);
        client.Commit(new NfTransaction().ReplaceTable(Contents(A, B)));
        var handle = client.ReadTable(Table)!.Rules[0].Handle;

        client.Commit(new NfTransaction().AddElements(Table, "sources", [C]).DeleteElements(Table, "sources", [A]));
        var after = client.ReadTable(Table)!;

        Assert.Equal(new[] { B, C }.OrderBy(a => a.ToString()), Assert.Single(after.Sets).Elements.OrderBy(a => a.ToString()));
        Assert.Equal(handle, Assert.Single(after.Rules).Handle);
    }

    [Fact]
    public async Task A_refused_request_leaves_the_whole_transaction_undone_and_names_the_request()
    {
        await using var ns = await NamespaceAsync();
        using var client = NfTablesClient.Open(ns.Name);
        client.Commit(new NfTransaction().ReplaceTable(Contents(A)));

        var error = Assert.Throws<NetlinkException>(() =>
            client.Commit(new NfTransaction().AddElements(Table, "sources", [B]).DeleteElements(Table, "sources", [C])));

        Assert.Equal("ENOENT", error.ErrnoName);
        Assert.Contains("NFT_MSG_DELSETELEM gct_probe sources 198.51.100.7", error.Message, StringComparison.Ordinal);
        Assert.Equal([A], Assert.Single(client.ReadTable(Table)!.Sets).Elements);
    }

    [Fact]
    public async Task Ten_thousand_elements_go_in_and_read_back_in_one_transaction()
    {
        await using var ns = await NamespaceAsync();
        using var client = NfTablesClient.Open(ns.Name);
        var many = Enumerable.Range(0, 10_000).Select(i => new IPAddress([198, 18, (byte)(i >> 8), (byte)i])).ToArray();

        client.Commit(new NfTransaction().ReplaceTable(Contents(many)));

        Assert.Equal(10_000, Assert.Single(client.ReadTable(Table)!.Sets).Elements.Distinct().Count());
    }

    [Fact]
    public async Task Another_programs_table_is_neither_read_nor_changed()
    {
        await using var ns = await NamespaceAsync();
        await ns.ExecAsync("nft", "add table inet filter ; add chain inet filter input { type filter hook input priority 0 ; } ; add rule inet filter input udp dport 4789 drop");
        using var client = NfTablesClient.Open(ns.Name);

        client.Commit(new NfTransaction().ReplaceTable(Contents(A)));
        client.Commit(new NfTransaction().DeleteTable(Table));

        Assert.Null(client.ReadTable(Table));
        Assert.Contains("udp dport 4789 drop", await ns.ExecAsync("nft", "list", "table", "inet", "filter"), StringComparison.Ordinal);
    }
}
