using System.Net;
using Gate.NetlinkCtl.Netlink.Sockets;
using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>
/// nf_tables over a NETLINK_NETFILTER socket, opened in the caller's network namespace or a named one (as
/// <see cref="RtnlClient"/> opens its socket): reads a table with everything in it, and commits transactions.
/// Needs CAP_NET_ADMIN in that namespace and nothing else; starts no process. Not thread-safe.
/// </summary>
public sealed class NfTablesClient : IDisposable
{
    private readonly NetlinkConnection _connection;

    private NfTablesClient(NetlinkConnection connection, byte family)
    {
        _connection = connection;
        Family = family;
    }

    /// <summary>The family of the tables this client reads.</summary>
    public byte Family { get; }

    /// <summary>Opens a client for tables of <paramref name="family"/> in <paramref name="netns"/> (null: the caller's namespace).</summary>
    public static NfTablesClient Open(string? netns = null, byte family = NfTables.InetFamily, TimeSpan? timeout = null) =>
        new(NetlinkConnection.Open(netns, timeout ?? TimeSpan.FromSeconds(5), Interop.NetlinkNetfilter), family);

    /// <summary>
    /// Table <paramref name="name"/> with its chains, sets (with elements) and rules, or null when it does not
    /// exist: what <c>nft list table FAMILY NAME</c> shows.
    /// </summary>
    public NfTableContents? ReadTable(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var table = GetTable(name);
        if (table is null)
        {
            return null;
        }

        var chains = Dump(NftMsg.GetChain, NftaChain.Table, name, $"NFT_MSG_GETCHAIN {name}", NfTablesCodec.DecodeChain)
            .Where(c => c.Table == name).Select(c => c.Chain).ToList();
        var sets = Dump(NftMsg.GetSet, NftaSet.Table, name, $"NFT_MSG_GETSET {name}", NfTablesCodec.DecodeSet)
            .Where(s => s.Table == name)
            .Select(s => new NfSetContents(s.Set, ReadElements(name, s.Set.Name)))
            .ToList();
        var rules = Dump(NftMsg.GetRule, NftaRule.Table, name, $"NFT_MSG_GETRULE {name}", NfTablesCodec.DecodeRule)
            .Where(r => r.Table == name).Select(r => r.Rule).ToList();
        return new NfTableContents(name, table.Value.Flags, chains, sets, rules);
    }

    /// <summary>Sends <paramref name="transaction"/> as one batch: the kernel applies all of it or, on any refusal, none.</summary>
    /// <exception cref="NetlinkException">The kernel refused a request (the first refusal, with its extended-ack text).</exception>
    public void Commit(NfTransaction transaction)
    {
        if (transaction.Family != Family)
        {
            throw new ArgumentException($"the transaction is for family {transaction.Family}, this client for {Family}", nameof(transaction));
        }

        if (transaction.Count == 0)
        {
            return;
        }

        var (bytes, offsets) = transaction.Encode();
        var errors = _connection.ExecuteTransaction(bytes, offsets, "nf_tables transaction");
        if (errors.Count > 0)
        {
            // A request's own error says more than the transaction's; the kernel reports both for one cause.
            var first = errors.OrderBy(e => e.Index == 0 ? 1 : 0).ThenBy(e => e.Index).First();
            throw new NetlinkException(first.Errno, transaction.Describe(first.Index), first.KernelMessage);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    private (string Name, uint Flags)? GetTable(string name)
    {
        var buffer = new byte[128 + name.Length];
        var w = new NetlinkWriter(buffer);
        NfTablesCodec.WriteGet(ref w, NftMsg.GetTable, NlmFlags.Request, Family, NftaTable.Name, name);
        try
        {
            var reply = _connection.Get(buffer.AsSpan(0, w.Length), $"NFT_MSG_GETTABLE {name}", (in NlMsgHeader h, ReadOnlySpan<byte> p) =>
                h.Type == Nfnl.Type(NftMsg.NewTable) && NfTablesCodec.DecodeTable(p) is { } t ? new TableReply(t.Name, t.Flags) : null);
            return (reply.Name, reply.Flags);
        }
        catch (NetlinkException e) when (e.Errno == ErrnoNames.ENOENT)
        {
            return null;
        }
    }

    private List<IPAddress> ReadElements(string table, string set) =>
        Dump(NftMsg.GetSetElem, NftaSetElem.ListTable, table, $"NFT_MSG_GETSETELEM {table} {set}", NfTablesCodec.DecodeSetElements, NftaSetElem.ListSet, set)
            .Where(e => e.Table == table && e.Set == set)
            .SelectMany(e => e.Elements)
            .ToList();

    private List<T> Dump<T>(byte message, ushort tableAttribute, string table, string what, Decoder<T> decode, ushort setAttribute = 0, string? set = null)
        where T : struct
    {
        var buffer = new byte[256 + table.Length + (set?.Length ?? 0)];
        var w = new NetlinkWriter(buffer);
        NfTablesCodec.WriteGet(ref w, message, NlmFlags.Request | NlmFlags.Dump, Family, tableAttribute, table, setAttribute, set);
        var items = _connection.Dump(buffer.AsSpan(0, w.Length), what, (in NlMsgHeader h, ReadOnlySpan<byte> p) =>
            h.Type == Nfnl.Type((byte)(message - 1)) && decode(p) is { } item ? new Box<T>(item) : null);
        return items.Select(b => b.Value).ToList();
    }

    private delegate T? Decoder<T>(ReadOnlySpan<byte> payload)
        where T : struct;

    private sealed record TableReply(string Name, uint Flags);

    private sealed record Box<T>(T Value);
}
