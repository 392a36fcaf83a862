namespace Gate.NetlinkCtl.Netlink.Wire;

// Values from /usr/include/linux/netfilter/nfnetlink.h, nf_tables.h and netfilter.h, and libnftnl's udata
// types (what nft writes into user data). Names follow the kernel's so they can be looked up there.

/// <summary>nfnetlink: subsystems, batch delimiters and the nfgenmsg header (nfnetlink.h).</summary>
internal static class Nfnl
{
    public const byte SubsysNfTables = 10;
    public const ushort MsgBatchBegin = 0x10; // NLMSG_MIN_TYPE
    public const ushort MsgBatchEnd = 0x11;
    public const int GenMsgSize = 4;

    /// <summary>A message type of the nf_tables subsystem: NFNL_SUBSYS_NFTABLES &lt;&lt; 8 | NFT_MSG_*.</summary>
    public static ushort Type(byte message) => (ushort)((SubsysNfTables << 8) | message);
}

/// <summary>enum nf_tables_msg_types.</summary>
internal static class NftMsg
{
    public const byte NewTable = 0;
    public const byte GetTable = 1;
    public const byte DelTable = 2;
    public const byte NewChain = 3;
    public const byte GetChain = 4;
    public const byte DelChain = 5;
    public const byte NewRule = 6;
    public const byte GetRule = 7;
    public const byte DelRule = 8;
    public const byte NewSet = 9;
    public const byte GetSet = 10;
    public const byte DelSet = 11;
    public const byte NewSetElem = 12;
    public const byte GetSetElem = 13;
    public const byte DelSetElem = 14;
}

/// <summary>NFTA_TABLE_*.</summary>
internal static class NftaTable
{
    public const ushort Name = 1;
    public const ushort Flags = 2;
}

/// <summary>NFTA_CHAIN_*, NFTA_HOOK_*.</summary>
internal static class NftaChain
{
    public const ushort Table = 1;
    public const ushort Name = 3;
    public const ushort Hook = 4;
    public const ushort Policy = 5;
    public const ushort Type = 7;
    public const ushort Flags = 10;
    public const ushort HookNumber = 1;
    public const ushort HookPriority = 2;
}

/// <summary>NFTA_RULE_*, NFTA_LIST_ELEM, NFTA_EXPR_*.</summary>
internal static class NftaRule
{
    public const ushort Table = 1;
    public const ushort Chain = 2;
    public const ushort Handle = 3;
    public const ushort Expressions = 4;
    public const ushort UserData = 7;
    public const ushort ListElem = 1;
    public const ushort ExprName = 1;
    public const ushort ExprData = 2;
}

/// <summary>NFTA_SET_*.</summary>
internal static class NftaSet
{
    public const ushort Table = 1;
    public const ushort Name = 2;
    public const ushort Flags = 3;
    public const ushort KeyType = 4;
    public const ushort KeyLength = 5;
    public const ushort Id = 10;
    public const ushort UserData = 13;
}

/// <summary>NFTA_SET_ELEM_LIST_*, NFTA_SET_ELEM_*, NFTA_DATA_*, NFTA_VERDICT_*.</summary>
internal static class NftaSetElem
{
    public const ushort ListTable = 1;
    public const ushort ListSet = 2;
    public const ushort ListElements = 3;
    public const ushort Key = 1;
    public const ushort Flags = 3;
    public const ushort DataValue = 1;
    public const ushort DataVerdict = 2;
    public const ushort VerdictCode = 1;
}

/// <summary>Attributes of the expressions gatectl writes: NFTA_META_*, NFTA_PAYLOAD_*, NFTA_CMP_*, NFTA_LOOKUP_*, NFTA_IMMEDIATE_*.</summary>
internal static class NftaExpr
{
    public const ushort MetaDreg = 1;
    public const ushort MetaKey = 2;
    public const ushort PayloadDreg = 1;
    public const ushort PayloadBase = 2;
    public const ushort PayloadOffset = 3;
    public const ushort PayloadLength = 4;
    public const ushort CmpSreg = 1;
    public const ushort CmpOp = 2;
    public const ushort CmpData = 3;
    public const ushort LookupSet = 1;
    public const ushort LookupSreg = 2;
    public const ushort LookupFlags = 5;
    public const ushort ImmediateDreg = 1;
    public const ushort ImmediateData = 2;
    public const ushort BitwiseSreg = 1;
    public const ushort BitwiseDreg = 2;
    public const ushort BitwiseLen = 3;
    public const ushort BitwiseMask = 4;
    public const ushort BitwiseXor = 5;
    public const ushort BitwiseOp = 6;
    public const ushort CtDreg = 1;
    public const ushort CtKey = 2;
}

/// <summary>User data TLV types libnftnl (and so nft) writes: NFTNL_UDATA_RULE_COMMENT, NFTNL_UDATA_SET_KEYBYTEORDER.</summary>
internal static class NftUserData
{
    public const byte RuleComment = 0;
    public const byte SetKeyByteOrder = 0;
    public const uint BigEndian = 2; // nft's BYTEORDER_BIG_ENDIAN
}
