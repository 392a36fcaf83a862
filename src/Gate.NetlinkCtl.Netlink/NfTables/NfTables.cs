using Gate.NetlinkCtl.Netlink.Sockets;
using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>
/// The one nftables question gatectl asks on every reconcile, over NETLINK_NETFILTER instead of an <c>nft</c>
/// process: does a table exist? (With the guard off, a reconcile only has to know that gatectl's table is absent;
/// starting <c>ip netns exec ... nft</c> for it cost more than the rest of an in-sync apply.)
/// </summary>
public static class NfTables
{
    /// <summary>NFPROTO_INET: a table of the <c>inet</c> family.</summary>
    public const byte InetFamily = 1;

    // NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETTABLE, and the reply NFT_MSG_NEWTABLE.
    private const ushort GetTable = (10 << 8) | 1;
    private const ushort NewTable = (10 << 8) | 0;
    private const ushort TableNameAttribute = 1; // NFTA_TABLE_NAME

    /// <summary>
    /// True when table <paramref name="name"/> of <paramref name="family"/> exists in the caller's namespace or in
    /// <paramref name="netns"/>: <c>nft list table inet NAME</c> without the listing. Throws
    /// <see cref="NetlinkException"/> when the kernel cannot answer (no nf_tables, no permission).
    /// </summary>
    public static bool TableExists(string? netns, byte family, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        using var connection = NetlinkConnection.Open(netns, TimeSpan.FromSeconds(5), Interop.NetlinkNetfilter);
        var buffer = new byte[256];
        var w = new NetlinkWriter(buffer);
        var m = w.BeginMessage(GetTable, NlmFlags.Request);
        w.WriteRaw([family, 0, 0, 0]); // struct nfgenmsg: family, NFNETLINK_V0, res_id 0
        w.WriteString(TableNameAttribute, name);
        w.EndMessage(m);
        try
        {
            return connection.Get(buffer.AsSpan(0, w.Length), $"NFT_MSG_GETTABLE {name}", Decode) is not null;
        }
        catch (NetlinkException e) when (e.Errno == ErrnoNames.ENOENT)
        {
            return false;
        }
    }

    private static string? Decode(in NlMsgHeader header, ReadOnlySpan<byte> payload) => header.Type == NewTable ? "table" : null;
}
