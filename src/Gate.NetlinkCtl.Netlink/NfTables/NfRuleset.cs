using System.Buffers.Binary;
using Gate.NetlinkCtl.Netlink.Sockets;
using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>One chain of the whole ruleset, with the family and table it belongs to.</summary>
/// <param name="Family">NFPROTO_* of its table (1 inet, 2 ip, 10 ip6, ...).</param>
/// <param name="Table">Its table.</param>
/// <param name="Chain">The chain: hook, priority and policy for a base chain.</param>
public sealed record NfRulesetChain(byte Family, string Table, NfChain Chain);

/// <summary>One rule of the whole ruleset, its expressions decoded to names and attributes.</summary>
/// <param name="Family">NFPROTO_* of its table.</param>
/// <param name="Table">Its table.</param>
/// <param name="Chain">Its chain.</param>
/// <param name="Handle">The kernel's handle (<c>nft -a</c> shows it).</param>
/// <param name="Expressions">The expressions in order.</param>
public sealed record NfRulesetRule(byte Family, string Table, string Chain, ulong Handle, IReadOnlyList<NfRawExpression> Expressions);

/// <summary>An expression as the kernel dumps it: its name and the attributes of its data (nested ones left as bytes).</summary>
/// <param name="Name">NFTA_EXPR_NAME (<c>payload</c>, <c>cmp</c>, <c>match</c>, ...).</param>
/// <param name="Attributes">NFTA_EXPR_DATA's attributes by type.</param>
public sealed record NfRawExpression(string Name, IReadOnlyDictionary<ushort, byte[]> Attributes)
{
    /// <summary>A big-endian u32 attribute, or null when absent.</summary>
    public uint? U32(ushort type) => Attributes.TryGetValue(type, out var v) && v.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(v) : null;

    /// <summary>A string attribute, or null when absent.</summary>
    public string? Text(ushort type) => Attributes.TryGetValue(type, out var v) ? NetlinkValue.String(v) : null;

    /// <summary>The value inside a NFTA_DATA_VALUE nest (cmp data, range bounds, bitwise mask), or null.</summary>
    public byte[]? DataValue(ushort type) => Attributes.TryGetValue(type, out var nest) ? NfRuleset.Nested(nest, NftaSetElem.DataValue) : null;

    /// <summary>The verdict code inside a NFTA_DATA_VERDICT nest (immediate to register 0), or null.</summary>
    public int? Verdict(ushort type)
    {
        if (!Attributes.TryGetValue(type, out var nest) || NfRuleset.Nested(nest, NftaSetElem.DataVerdict) is not { } verdict)
        {
            return null;
        }

        return NfRuleset.Nested(verdict, NftaSetElem.VerdictCode) is { Length: >= 4 } code ? BinaryPrimitives.ReadInt32BigEndian(code) : null;
    }

    /// <summary>The chain a jump or goto verdict names, or null.</summary>
    public string? VerdictChain(ushort type)
    {
        if (!Attributes.TryGetValue(type, out var nest) || NfRuleset.Nested(nest, NftaSetElem.DataVerdict) is not { } verdict)
        {
            return null;
        }

        return NfRuleset.Nested(verdict, 2) is { } chain ? NetlinkValue.String(chain) : null; // NFTA_VERDICT_CHAIN
    }
}

/// <summary>A set of the ruleset with its elements as raw keys.</summary>
/// <param name="Family">NFPROTO_* of its table.</param>
/// <param name="Table">Its table.</param>
/// <param name="Name">Its name (<c>__set0</c> for an anonymous set).</param>
/// <param name="Flags">NFT_SET_* (4: interval, 8: map).</param>
/// <param name="Elements">Its elements.</param>
public sealed record NfRulesetSet(byte Family, string Table, string Name, uint Flags, IReadOnlyList<NfRulesetElement> Elements)
{
    /// <summary>NFT_SET_INTERVAL.</summary>
    public const uint IntervalFlag = 4;
}

/// <summary>One element: its key bytes, and whether it closes an interval (NFT_SET_ELEM_INTERVAL_END).</summary>
public sealed record NfRulesetElement(byte[] Key, bool IntervalEnd);

/// <summary>Every table's chains, rules and sets of a namespace: what <c>nft -a list ruleset</c> shows, read over netlink.</summary>
public sealed record NfRuleset(IReadOnlyList<NfRulesetChain> Chains, IReadOnlyList<NfRulesetRule> Rules, IReadOnlyList<NfRulesetSet> Sets)
{
    private const byte AllFamilies = 0;
    private const ushort ElementFlags = 3;

    /// <summary>Reads the whole ruleset of <paramref name="netns"/> (null: the caller's namespace). Needs CAP_NET_ADMIN there.</summary>
    public static NfRuleset Read(string? netns)
    {
        using var connection = NetlinkConnection.Open(netns, TimeSpan.FromSeconds(5), Interop.NetlinkNetfilter);
        var chains = Dump(connection, NftMsg.GetChain, "NFT_MSG_GETCHAIN", p => NfTablesCodec.DecodeChain(p) is { } c ? new NfRulesetChain(p[0], c.Table, c.Chain) : null);
        var rules = Dump(connection, NftMsg.GetRule, "NFT_MSG_GETRULE", DecodeRule);
        var sets = Dump(connection, NftMsg.GetSet, "NFT_MSG_GETSET", p => NfTablesCodec.DecodeSet(p) is { } s ? new NfRulesetSet(p[0], s.Table, s.Set.Name, s.Set.Flags, []) : null)
            .Select(s => s with { Elements = ReadElements(connection, s) })
            .ToList();
        return new NfRuleset(chains, rules, sets);
    }

    /// <summary>The payload of the first attribute of <paramref name="type"/> in <paramref name="attributes"/>, or null.</summary>
    internal static byte[]? Nested(ReadOnlySpan<byte> attributes, ushort type)
    {
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.TryRead(out var t, out var value))
        {
            if (t == type)
            {
                return value.ToArray();
            }
        }

        return null;
    }

    private static List<T> Dump<T>(NetlinkConnection connection, byte message, string what, Func<byte[], T?> decode, byte family = AllFamilies, string? table = null, string? set = null)
        where T : class
    {
        var buffer = new byte[512];
        var w = new NetlinkWriter(buffer);
        NfTablesCodec.WriteGet(ref w, message, NlmFlags.Request | NlmFlags.Dump, family, NftaSetElem.ListTable, table, NftaSetElem.ListSet, set);
        return connection.Dump(buffer.AsSpan(0, w.Length), what,
            (in NlMsgHeader h, ReadOnlySpan<byte> p) => h.Type == Nfnl.Type((byte)(message - 1)) && p.Length >= Nfnl.GenMsgSize ? decode(p.ToArray()) : null);
    }

    private static NfRulesetRule? DecodeRule(byte[] payload)
    {
        string? table = null, chain = null;
        ulong handle = 0;
        var expressions = new List<NfRawExpression>();
        var attributes = new NetlinkAttributeReader(payload.AsSpan(Nfnl.GenMsgSize));
        while (attributes.TryRead(out var type, out var value))
        {
            switch (type)
            {
                case NftaRule.Table: table = NetlinkValue.String(value); break;
                case NftaRule.Chain: chain = NetlinkValue.String(value); break;
                case NftaRule.Handle when value.Length >= 8: handle = BinaryPrimitives.ReadUInt64BigEndian(value); break;
                case NftaRule.Expressions:
                    var list = new NetlinkAttributeReader(value);
                    while (list.TryRead(out _, out var element))
                    {
                        expressions.Add(DecodeExpression(element));
                    }

                    break;
            }
        }

        return table is null || chain is null ? null : new NfRulesetRule(payload[0], table, chain, handle, expressions);
    }

    private static NfRawExpression DecodeExpression(ReadOnlySpan<byte> element)
    {
        var name = "?";
        var data = new Dictionary<ushort, byte[]>();
        var parts = new NetlinkAttributeReader(element);
        while (parts.TryRead(out var type, out var value))
        {
            if (type == NftaRule.ExprName)
            {
                name = NetlinkValue.String(value);
            }
            else if (type == NftaRule.ExprData)
            {
                var reader = new NetlinkAttributeReader(value);
                while (reader.TryRead(out var attribute, out var bytes))
                {
                    data[attribute] = bytes.ToArray();
                }
            }
        }

        return new NfRawExpression(name, data);
    }

    private static List<NfRulesetElement> ReadElements(NetlinkConnection connection, NfRulesetSet set)
    {
        var elements = new List<NfRulesetElement>();
        var answers = Dump(connection, NftMsg.GetSetElem, $"NFT_MSG_GETSETELEM {set.Table} {set.Name}", p => p, set.Family, set.Table, set.Name);
        foreach (var payload in answers)
        {
            var attributes = new NetlinkAttributeReader(payload.AsSpan(Nfnl.GenMsgSize));
            while (attributes.TryRead(out var type, out var value))
            {
                if (type != NftaSetElem.ListElements)
                {
                    continue;
                }

                var list = new NetlinkAttributeReader(value);
                while (list.TryRead(out _, out var element))
                {
                    var key = Nested(element, NftaSetElem.Key) is { } nest ? Nested(nest, NftaSetElem.DataValue) : null;
                    var flags = Nested(element, ElementFlags) is { Length: >= 4 } f ? BinaryPrimitives.ReadUInt32BigEndian(f) : 0;
                    elements.Add(new NfRulesetElement(key ?? [], (flags & 1) != 0));
                }
            }
        }

        return elements;
    }
}
