using System.Net;
using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>
/// One nf_tables transaction: requests the kernel applies all together or not at all when
/// <see cref="NfTablesClient.Commit"/> sends them between NFNL_MSG_BATCH_BEGIN and NFNL_MSG_BATCH_END.
/// Each verb names the <c>nft</c> command it equals.
/// </summary>
public sealed class NfTransaction
{
    /// <summary>Most set elements in one NEWSETELEM/DELSETELEM: an attribute's length is 16 bits.</summary>
    public const int ElementsPerMessage = 1024;

    private readonly List<(byte[] Message, string What)> _requests = [];
    private uint _setIds;

    /// <summary>A transaction on tables of <paramref name="family"/> (NFPROTO_INET is 1).</summary>
    public NfTransaction(byte family = NfTables.InetFamily) => Family = family;

    /// <summary>The family of every table this transaction touches.</summary>
    public byte Family { get; }

    /// <summary>How many requests the transaction holds.</summary>
    public int Count => _requests.Count;

    /// <summary>What each request does, in order, for messages.</summary>
    public IEnumerable<string> Requests => _requests.Select(r => r.What);

    /// <summary><c>nft add table FAMILY NAME</c>: creates the table, or leaves an existing one as it is.</summary>
    public NfTransaction AddTable(string name, uint flags = 0) =>
        Add($"NFT_MSG_NEWTABLE {name}", 64 + name.Length, (ref NetlinkWriter w) =>
            NfTablesCodec.WriteTable(ref w, NftMsg.NewTable, Flags(NlmFlags.Create), Family, name, flags));

    /// <summary><c>nft delete table FAMILY NAME</c> (with everything in it); fails the transaction when it does not exist.</summary>
    public NfTransaction DeleteTable(string name) =>
        Add($"NFT_MSG_DELTABLE {name}", 64 + name.Length, (ref NetlinkWriter w) =>
            NfTablesCodec.WriteTable(ref w, NftMsg.DelTable, Flags(0), Family, name, 0));

    /// <summary><c>nft add chain FAMILY TABLE NAME { type ... hook ... priority ...; policy ...; }</c>.</summary>
    public NfTransaction AddChain(string table, NfChain chain) =>
        Add($"NFT_MSG_NEWCHAIN {table} {chain.Name}", 128 + table.Length + chain.Name.Length, (ref NetlinkWriter w) =>
            NfTablesCodec.WriteChain(ref w, Flags(NlmFlags.Create), Family, table, chain));

    /// <summary><c>nft add set FAMILY TABLE NAME { type ...; }</c>.</summary>
    public NfTransaction AddSet(string table, NfSet set)
    {
        var id = ++_setIds;
        return Add($"NFT_MSG_NEWSET {table} {set.Name}", 128 + table.Length + set.Name.Length, (ref NetlinkWriter w) =>
            NfTablesCodec.WriteSet(ref w, Flags(NlmFlags.Create), Family, table, set, id));
    }

    /// <summary><c>nft add element FAMILY TABLE SET { ... }</c>, in messages of at most <see cref="ElementsPerMessage"/>.</summary>
    public NfTransaction AddElements(string table, string set, IEnumerable<IPAddress> elements) =>
        Elements(NftMsg.NewSetElem, "NFT_MSG_NEWSETELEM", NlmFlags.Create, table, set, elements);

    /// <summary><c>nft delete element FAMILY TABLE SET { ... }</c>; fails the transaction when one is absent.</summary>
    public NfTransaction DeleteElements(string table, string set, IEnumerable<IPAddress> elements) =>
        Elements(NftMsg.DelSetElem, "NFT_MSG_DELSETELEM", 0, table, set, elements);

    /// <summary><c>nft add rule FAMILY TABLE CHAIN ...</c>: appends the rule to its chain.</summary>
    public NfTransaction AddRule(string table, NfRule rule) =>
        Add($"NFT_MSG_NEWRULE {table} {rule}", 512 + rule.Expressions.Length + table.Length + rule.Chain.Length + (rule.Comment?.Length ?? 0), (ref NetlinkWriter w) =>
            NfTablesCodec.WriteRule(ref w, Flags(NlmFlags.Create | NlmFlags.Append), Family, table, rule));

    /// <summary>
    /// Replaces table <paramref name="contents"/>.Name with <paramref name="contents"/> in this one transaction:
    /// create it (so the delete cannot fail), delete it, then add it anew with its chains, sets, elements and rules.
    /// This is what <c>nft -f</c> of a file starting with <c>table X; delete table X; table X { ... }</c> does.
    /// </summary>
    public NfTransaction ReplaceTable(NfTableContents contents)
    {
        AddTable(contents.Name).DeleteTable(contents.Name).AddTable(contents.Name, contents.Flags);
        foreach (var chain in contents.Chains)
        {
            AddChain(contents.Name, chain);
        }

        foreach (var set in contents.Sets)
        {
            AddSet(contents.Name, set.Definition);
            if (set.Elements.Count > 0)
            {
                AddElements(contents.Name, set.Definition.Name, set.Elements);
            }
        }

        foreach (var rule in contents.Rules)
        {
            AddRule(contents.Name, rule);
        }

        return this;
    }

    /// <summary>The batch as sent: BATCH_BEGIN, the requests, BATCH_END, and where each message starts.</summary>
    internal (byte[] Bytes, List<int> Offsets) Encode()
    {
        var total = (2 * 32) + _requests.Sum(r => r.Message.Length);
        var buffer = new byte[total];
        var offsets = new List<int>(_requests.Count + 2);
        var w = new NetlinkWriter(buffer);
        offsets.Add(w.Length);
        NfTablesCodec.WriteBatchDelimiter(ref w, Nfnl.MsgBatchBegin);
        foreach (var (message, _) in _requests)
        {
            offsets.Add(w.Length);
            w.WriteRaw(message);
        }

        offsets.Add(w.Length);
        NfTablesCodec.WriteBatchDelimiter(ref w, Nfnl.MsgBatchEnd);
        return (buffer[..w.Length], offsets);
    }

    /// <summary>What request <paramref name="index"/> of the encoded batch (0 is BATCH_BEGIN) did.</summary>
    internal string Describe(int index) => index > 0 && index <= _requests.Count ? _requests[index - 1].What : "the nf_tables transaction";

    private static ushort Flags(ushort extra) => (ushort)(NlmFlags.Request | NlmFlags.Ack | extra);

    private NfTransaction Elements(byte message, string name, ushort flags, string table, string set, IEnumerable<IPAddress> elements)
    {
        foreach (var chunk in elements.Chunk(ElementsPerMessage))
        {
            var shown = chunk.Length == 1 ? chunk[0].ToString() : $"{chunk.Length} elements";
            Add($"{name} {table} {set} {shown}", 128 + table.Length + set.Length + (chunk.Length * NfTablesCodec.ElementBytes), (ref NetlinkWriter w) =>
                NfTablesCodec.WriteSetElements(ref w, message, Flags(flags), Family, table, set, chunk));
        }

        return this;
    }

    private NfTransaction Add(string what, int size, MessageWriter write)
    {
        var buffer = new byte[size];
        var w = new NetlinkWriter(buffer);
        write(ref w);
        _requests.Add((w.Written.ToArray(), what));
        return this;
    }

    private delegate void MessageWriter(ref NetlinkWriter w);
}
