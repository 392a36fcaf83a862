using System.Buffers.Binary;
using System.Net;
using System.Text;
using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>
/// Encoder and decoder of nf_tables messages, side by side: each message is an nlmsghdr, a struct nfgenmsg
/// (family, version 0, resource id) and attributes; numbers are big-endian (nf_tables.h), unlike rtnetlink's.
/// </summary>
internal static class NfTablesCodec
{
    /// <summary>Bytes one set element takes in NEWSETELEM/DELSETELEM (IPv6 keys, padded): for buffer sizing.</summary>
    public const int ElementBytes = 32;

    /// <summary>Writes struct nfgenmsg.</summary>
    public static void WriteGenMsg(ref NetlinkWriter w, byte family, ushort resourceId = 0)
    {
        Span<byte> header = [family, 0, 0, 0];
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], resourceId);
        w.WriteRaw(header);
    }

    /// <summary>NFNL_MSG_BATCH_BEGIN or _END for the nf_tables subsystem.</summary>
    public static void WriteBatchDelimiter(ref NetlinkWriter w, ushort type)
    {
        var m = w.BeginMessage(type, NlmFlags.Request);
        WriteGenMsg(ref w, NlFamily.Unspec, Nfnl.SubsysNfTables);
        w.EndMessage(m);
    }

    /// <summary>NFT_MSG_NEWTABLE (create, or keep when it exists) or NFT_MSG_DELTABLE.</summary>
    public static void WriteTable(ref NetlinkWriter w, byte message, ushort flags, byte family, string name, uint tableFlags)
    {
        var m = w.BeginMessage(Nfnl.Type(message), flags);
        WriteGenMsg(ref w, family);
        w.WriteString(NftaTable.Name, name);
        if (message == NftMsg.NewTable)
        {
            WriteBigEndianU32(ref w, NftaTable.Flags, tableFlags);
        }

        w.EndMessage(m);
    }

    /// <summary>NFT_MSG_NEWCHAIN.</summary>
    public static void WriteChain(ref NetlinkWriter w, ushort flags, byte family, string table, NfChain chain)
    {
        var m = w.BeginMessage(Nfnl.Type(NftMsg.NewChain), flags);
        WriteGenMsg(ref w, family);
        w.WriteString(NftaChain.Table, table);
        w.WriteString(NftaChain.Name, chain.Name);
        if (chain.Hook is { } hook)
        {
            // nft's order: type, policy, hook.
            w.WriteString(NftaChain.Type, chain.Type ?? "filter");
            if (chain.Policy is { } policy)
            {
                WriteBigEndianU32(ref w, NftaChain.Policy, policy);
            }

            var nest = w.BeginNested(NftaChain.Hook);
            WriteBigEndianU32(ref w, NftaChain.HookNumber, hook);
            WriteBigEndianU32(ref w, NftaChain.HookPriority, unchecked((uint)(chain.Priority ?? 0)));
            w.EndNested(nest);
        }

        w.EndMessage(m);
    }

    /// <summary>
    /// NFT_MSG_NEWSET, with the key byte order in user data as nft writes it (nft reads it to print elements).
    /// The kernel requires a transaction-unique <paramref name="setId"/> (NFTA_SET_ID) even when nothing refers to it.
    /// </summary>
    public static void WriteSet(ref NetlinkWriter w, ushort flags, byte family, string table, NfSet set, uint setId)
    {
        var m = w.BeginMessage(Nfnl.Type(NftMsg.NewSet), flags);
        WriteGenMsg(ref w, family);
        w.WriteString(NftaSet.Table, table);
        w.WriteString(NftaSet.Name, set.Name);
        WriteBigEndianU32(ref w, NftaSet.Flags, set.Flags);
        WriteBigEndianU32(ref w, NftaSet.KeyType, set.KeyType);
        WriteBigEndianU32(ref w, NftaSet.KeyLength, set.KeyLength);
        WriteBigEndianU32(ref w, NftaSet.Id, setId);
        Span<byte> userData = [NftUserData.SetKeyByteOrder, 4, 0, 0, 0, 0];
        BinaryPrimitives.WriteUInt32LittleEndian(userData[2..], NftUserData.BigEndian); // libnftnl writes it in host order
        w.WriteAttribute(NftaSet.UserData, userData);
        w.EndMessage(m);
    }

    /// <summary>NFT_MSG_NEWSETELEM or NFT_MSG_DELSETELEM for <paramref name="elements"/> (addresses as keys).</summary>
    public static void WriteSetElements(ref NetlinkWriter w, byte message, ushort flags, byte family, string table, string set, IEnumerable<IPAddress> elements)
    {
        var m = w.BeginMessage(Nfnl.Type(message), flags);
        WriteGenMsg(ref w, family);
        w.WriteString(NftaSetElem.ListTable, table);
        w.WriteString(NftaSetElem.ListSet, set);
        var list = w.BeginNested(NftaSetElem.ListElements);
        foreach (var element in elements)
        {
            var item = w.BeginNested(NftaRule.ListElem);
            var key = w.BeginNested(NftaSetElem.Key);
            w.WriteAddress(NftaSetElem.DataValue, element);
            w.EndNested(key);
            w.EndNested(item);
        }

        w.EndNested(list);
        w.EndMessage(m);
    }

    /// <summary>NFT_MSG_NEWRULE, appended to its chain.</summary>
    public static void WriteRule(ref NetlinkWriter w, ushort flags, byte family, string table, NfRule rule)
    {
        var m = w.BeginMessage(Nfnl.Type(NftMsg.NewRule), flags);
        WriteGenMsg(ref w, family);
        w.WriteString(NftaRule.Table, table);
        w.WriteString(NftaRule.Chain, rule.Chain);
        w.WriteAttribute((ushort)(NftaRule.Expressions | NlaFlags.Nested), rule.Expressions);
        if (rule.Comment is not null)
        {
            w.WriteAttribute(NftaRule.UserData, CommentUserData(rule.Comment));
        }

        w.EndMessage(m);
    }

    /// <summary>A get (one table) or dump request, optionally naming the table and set it is about.</summary>
    public static void WriteGet(ref NetlinkWriter w, byte message, ushort flags, byte family, ushort tableAttribute, string? table, ushort setAttribute = 0, string? set = null)
    {
        var m = w.BeginMessage(Nfnl.Type(message), flags);
        WriteGenMsg(ref w, family);
        if (table is not null)
        {
            w.WriteString(tableAttribute, table);
        }

        if (set is not null)
        {
            w.WriteString(setAttribute, set);
        }

        w.EndMessage(m);
    }

    /// <summary>The content of NFTA_RULE_EXPRESSIONS for <paramref name="expressions"/>.</summary>
    public static byte[] EncodeExpressions(IReadOnlyList<NfExpression> expressions)
    {
        var buffer = new byte[256 + (expressions.Count * 128)];
        var w = new NetlinkWriter(buffer);
        foreach (var expression in expressions)
        {
            var element = w.BeginNested(NftaRule.ListElem);
            w.WriteString(NftaRule.ExprName, expression.Name);
            var data = w.BeginNested(NftaRule.ExprData);
            WriteExpressionData(ref w, expression);
            w.EndNested(data);
            w.EndNested(element);
        }

        return w.Written.ToArray();
    }

    // Attributes in the order nft writes them; the kernel's dump of each is what NfExpressionText compares.
    private static void WriteExpressionData(ref NetlinkWriter w, NfExpression expression)
    {
        switch (expression)
        {
            case NfMetaLoad meta:
                WriteBigEndianU32(ref w, NftaExpr.MetaKey, meta.Key);
                WriteBigEndianU32(ref w, NftaExpr.MetaDreg, NfExpression.Register1);
                break;
            case NfPayloadLoad payload:
                WriteBigEndianU32(ref w, NftaExpr.PayloadDreg, NfExpression.Register1);
                WriteBigEndianU32(ref w, NftaExpr.PayloadBase, payload.Base);
                WriteBigEndianU32(ref w, NftaExpr.PayloadOffset, payload.Offset);
                WriteBigEndianU32(ref w, NftaExpr.PayloadLength, payload.Length);
                break;
            case NfCmpEqual cmp:
                WriteBigEndianU32(ref w, NftaExpr.CmpSreg, NfExpression.Register1);
                WriteBigEndianU32(ref w, NftaExpr.CmpOp, 0); // NFT_CMP_EQ
                var data = w.BeginNested(NftaExpr.CmpData);
                w.WriteAttribute(NftaSetElem.DataValue, cmp.Data.ToArray());
                w.EndNested(data);
                break;
            case NfCmpNotEqual neq:
                WriteBigEndianU32(ref w, NftaExpr.CmpSreg, NfExpression.Register1);
                WriteBigEndianU32(ref w, NftaExpr.CmpOp, 1); // NFT_CMP_NEQ
                var neqData = w.BeginNested(NftaExpr.CmpData);
                w.WriteAttribute(NftaSetElem.DataValue, neq.Data.ToArray());
                w.EndNested(neqData);
                break;
            case NfCtLoad ct:
                WriteBigEndianU32(ref w, NftaExpr.CtDreg, NfExpression.Register1);
                WriteBigEndianU32(ref w, NftaExpr.CtKey, ct.Key);
                break;
            case NfLookup lookup:
                WriteBigEndianU32(ref w, NftaExpr.LookupSreg, NfExpression.Register1);
                w.WriteString(NftaExpr.LookupSet, lookup.Set);
                break;
            case NfCounter:
            case NfMasquerade:
                break;
            case NfBitwise bitwise:
                WriteBigEndianU32(ref w, NftaExpr.BitwiseSreg, NfExpression.Register1);
                WriteBigEndianU32(ref w, NftaExpr.BitwiseDreg, NfExpression.Register1);
                WriteBigEndianU32(ref w, NftaExpr.BitwiseLen, (uint)bitwise.Mask.Count);
                WriteBigEndianU32(ref w, NftaExpr.BitwiseOp, 0); // NFT_BITWISE_MASK_XOR; the kernel dumps it, so it is written too
                var mask = w.BeginNested(NftaExpr.BitwiseMask);
                w.WriteAttribute(NftaSetElem.DataValue, bitwise.Mask.ToArray());
                w.EndNested(mask);
                var xor = w.BeginNested(NftaExpr.BitwiseXor);
                w.WriteAttribute(NftaSetElem.DataValue, bitwise.Xor.ToArray());
                w.EndNested(xor);
                break;
            case NfVerdict verdict:
                WriteBigEndianU32(ref w, NftaExpr.ImmediateDreg, 0); // NFT_REG_VERDICT
                var immediate = w.BeginNested(NftaExpr.ImmediateData);
                var code = w.BeginNested(NftaSetElem.DataVerdict);
                WriteBigEndianU32(ref w, NftaSetElem.VerdictCode, verdict.Code);
                w.EndNested(code);
                w.EndNested(immediate);
                break;
            default:
                throw new ArgumentException($"gatectl cannot encode the nftables expression {expression}", nameof(expression));
        }
    }

    /// <summary>nft's comment user data: one TLV (NFTNL_UDATA_RULE_COMMENT, length, NUL-terminated text).</summary>
    public static byte[] CommentUserData(string comment)
    {
        var text = Encoding.UTF8.GetBytes(comment + "\0");
        if (text.Length > byte.MaxValue)
        {
            throw new ArgumentException($"an nftables comment holds at most 254 bytes; \"{comment}\" has {text.Length - 1}", nameof(comment));
        }

        return [NftUserData.RuleComment, (byte)text.Length, .. text];
    }

    /// <summary>The comment in a rule's user data, or null.</summary>
    public static string? ReadComment(ReadOnlySpan<byte> userData)
    {
        while (userData.Length >= 2)
        {
            var (type, length) = (userData[0], userData[1]);
            if (2 + length > userData.Length)
            {
                break;
            }

            if (type == NftUserData.RuleComment)
            {
                return NetlinkValue.String(userData.Slice(2, length));
            }

            userData = userData[(2 + length)..];
        }

        return null;
    }

    /// <summary>Decodes NFT_MSG_NEWTABLE: name and flags.</summary>
    public static (string Name, uint Flags)? DecodeTable(ReadOnlySpan<byte> payload)
    {
        string? name = null;
        uint flags = 0;
        var attributes = new NetlinkAttributeReader(Attributes(payload));
        while (attributes.TryRead(out var type, out var value))
        {
            switch (type)
            {
                case NftaTable.Name: name = NetlinkValue.String(value); break;
                case NftaTable.Flags: flags = BigEndianU32(type, value); break;
            }
        }

        return name is null ? null : (name, flags);
    }

    /// <summary>Decodes NFT_MSG_NEWCHAIN: its table and the chain.</summary>
    public static (string Table, NfChain Chain)? DecodeChain(ReadOnlySpan<byte> payload)
    {
        string? table = null, name = null, chainType = null;
        uint? hook = null, policy = null;
        int? priority = null;
        var attributes = new NetlinkAttributeReader(Attributes(payload));
        while (attributes.TryRead(out var type, out var value))
        {
            switch (type)
            {
                case NftaChain.Table: table = NetlinkValue.String(value); break;
                case NftaChain.Name: name = NetlinkValue.String(value); break;
                case NftaChain.Type: chainType = NetlinkValue.String(value); break;
                case NftaChain.Policy: policy = BigEndianU32(type, value); break;
                case NftaChain.Hook:
                    var nested = new NetlinkAttributeReader(value);
                    while (nested.TryRead(out var hookType, out var hookValue))
                    {
                        switch (hookType)
                        {
                            case NftaChain.HookNumber: hook = BigEndianU32(hookType, hookValue); break;
                            case NftaChain.HookPriority: priority = unchecked((int)BigEndianU32(hookType, hookValue)); break;
                        }
                    }

                    break;
            }
        }

        return table is null || name is null ? null : (table, new NfChain(name, hook is null ? null : chainType, hook, priority, hook is null ? null : policy));
    }

    /// <summary>Decodes NFT_MSG_NEWSET: its table and the set's definition.</summary>
    public static (string Table, NfSet Set)? DecodeSet(ReadOnlySpan<byte> payload)
    {
        string? table = null, name = null;
        uint flags = 0, keyType = 0, keyLength = 0;
        var attributes = new NetlinkAttributeReader(Attributes(payload));
        while (attributes.TryRead(out var type, out var value))
        {
            switch (type)
            {
                case NftaSet.Table: table = NetlinkValue.String(value); break;
                case NftaSet.Name: name = NetlinkValue.String(value); break;
                case NftaSet.Flags: flags = BigEndianU32(type, value); break;
                case NftaSet.KeyType: keyType = BigEndianU32(type, value); break;
                case NftaSet.KeyLength: keyLength = BigEndianU32(type, value); break;
            }
        }

        return table is null || name is null ? null : (table, new NfSet(name, keyType, keyLength, flags));
    }

    /// <summary>Decodes NFT_MSG_NEWSETELEM: its table, set and the address keys (other key lengths are skipped).</summary>
    public static (string Table, string Set, List<IPAddress> Elements)? DecodeSetElements(ReadOnlySpan<byte> payload)
    {
        string? table = null, set = null;
        var elements = new List<IPAddress>();
        var attributes = new NetlinkAttributeReader(Attributes(payload));
        while (attributes.TryRead(out var type, out var value))
        {
            switch (type)
            {
                case NftaSetElem.ListTable: table = NetlinkValue.String(value); break;
                case NftaSetElem.ListSet: set = NetlinkValue.String(value); break;
                case NftaSetElem.ListElements:
                    var list = new NetlinkAttributeReader(value);
                    while (list.TryRead(out _, out var element))
                    {
                        if (ElementKey(element) is { } key)
                        {
                            elements.Add(key);
                        }
                    }

                    break;
            }
        }

        return table is null || set is null ? null : (table, set, elements);
    }

    /// <summary>Decodes NFT_MSG_NEWRULE: its table and the rule.</summary>
    public static (string Table, NfRule Rule)? DecodeRule(ReadOnlySpan<byte> payload)
    {
        string? table = null, chain = null, comment = null;
        ulong handle = 0;
        byte[] expressions = [];
        var attributes = new NetlinkAttributeReader(Attributes(payload));
        while (attributes.TryRead(out var type, out var value))
        {
            switch (type)
            {
                case NftaRule.Table: table = NetlinkValue.String(value); break;
                case NftaRule.Chain: chain = NetlinkValue.String(value); break;
                case NftaRule.Handle when value.Length >= 8: handle = BinaryPrimitives.ReadUInt64BigEndian(value); break;
                case NftaRule.Expressions: expressions = value.ToArray(); break;
                case NftaRule.UserData: comment = ReadComment(value); break;
            }
        }

        return table is null || chain is null ? null : (table, new NfRule(chain, expressions, comment, handle));
    }

    /// <summary>A big-endian u32 attribute value.</summary>
    public static uint BigEndianU32(ushort type, ReadOnlySpan<byte> value)
    {
        if (value.Length < 4)
        {
            ThrowHelper.ThrowBadAttributeSize(type, 4, value.Length);
        }

        return BinaryPrimitives.ReadUInt32BigEndian(value);
    }

    private static void WriteBigEndianU32(ref NetlinkWriter w, ushort type, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        w.WriteAttribute(type, bytes);
    }

    private static IPAddress? ElementKey(ReadOnlySpan<byte> element)
    {
        var attributes = new NetlinkAttributeReader(element);
        while (attributes.TryRead(out var type, out var value))
        {
            if (type != NftaSetElem.Key)
            {
                continue;
            }

            var data = new NetlinkAttributeReader(value);
            while (data.TryRead(out var dataType, out var bytes))
            {
                if (dataType == NftaSetElem.DataValue && bytes.Length is 4 or 16)
                {
                    return new IPAddress(bytes);
                }
            }
        }

        return null;
    }

    private static ReadOnlySpan<byte> Attributes(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Nfnl.GenMsgSize)
        {
            ThrowHelper.ThrowTruncated("nfgenmsg", Nfnl.GenMsgSize, payload.Length);
        }

        return payload[Nfnl.GenMsgSize..];
    }
}

/// <summary>
/// Canonical text of a rule's expressions: each expression's name and its attributes sorted by type (nested
/// ones in braces, values in hex). Counter values are left out: they count traffic, they are not the rule.
/// </summary>
internal static class NfExpressionText
{
    public static string Render(ReadOnlySpan<byte> expressions)
    {
        var text = new StringBuilder();
        var list = new NetlinkAttributeReader(expressions);
        while (list.TryRead(out _, out var element))
        {
            string? name = null;
            var data = ReadOnlySpan<byte>.Empty;
            var parts = new NetlinkAttributeReader(element);
            while (parts.TryRead(out var type, out var value))
            {
                if (type == NftaRule.ExprName)
                {
                    name = NetlinkValue.String(value);
                }
                else if (type == NftaRule.ExprData)
                {
                    data = value;
                }
            }

            if (text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(name ?? "?");
            if (name != "counter")
            {
                text.Append('(');
                AppendAttributes(text, data, name == "lookup" ? NftaExpr.LookupFlags : (ushort)0);
                text.Append(')');
            }
        }

        return text.ToString();
    }

    // skipWhenZero: an attribute the kernel reports even when it was not sent and is 0 (the lookup's flags).
    private static void AppendAttributes(StringBuilder text, ReadOnlySpan<byte> attributes, ushort skipWhenZero = 0)
    {
        var entries = new List<(ushort Type, byte[] Value)>();
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.TryRead(out var type, out var value))
        {
            if (skipWhenZero != 0 && type == skipWhenZero && !value.ContainsAnyExcept((byte)0))
            {
                continue;
            }

            entries.Add((type, value.ToArray()));
        }

        var first = true;
        foreach (var (type, value) in entries.OrderBy(e => e.Type))
        {
            text.Append(first ? "" : " ").Append(type).Append('=');
            first = false;

            // The kernel nests some attributes without NLA_F_NESTED, so nesting is read from the shape of the value.
            if (IsAttributeList(value))
            {
                text.Append('{');
                AppendAttributes(text, value);
                text.Append('}');
            }
            else
            {
                text.Append(Convert.ToHexStringLower(value));
            }
        }
    }

    private static bool IsAttributeList(ReadOnlySpan<byte> value)
    {
        if (value.Length < 4)
        {
            return false;
        }

        var offset = 0;
        while (offset < value.Length)
        {
            if (value.Length - offset < 4)
            {
                return false;
            }

            var length = BinaryPrimitives.ReadUInt16LittleEndian(value[offset..]);
            if (length < 4 || offset + length > value.Length)
            {
                return false;
            }

            offset += Math.Min(NetlinkWriter.Align(length), value.Length - offset);
        }

        return true;
    }
}
