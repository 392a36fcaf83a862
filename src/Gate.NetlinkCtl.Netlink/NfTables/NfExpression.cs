namespace Gate.NetlinkCtl.Netlink;

/// <summary>
/// An nftables expression gatectl writes. Each loads into or reads register 1 (NFT_REG_1), as nft does for a
/// simple match, so rules written here read back exactly as nft writes them.
/// </summary>
public abstract record NfExpression
{
    /// <summary>NFT_REG_1, the register every load and match here uses.</summary>
    internal const uint Register1 = 1;

    /// <summary>The expression's kernel name (NFTA_EXPR_NAME).</summary>
    internal abstract string Name { get; }
}

/// <summary><c>meta load KEY =&gt; reg 1</c>.</summary>
/// <param name="Key">NFT_META_*: NFPROTO is 15, L4PROTO 16.</param>
public sealed record NfMetaLoad(uint Key) : NfExpression
{
    /// <summary>NFT_META_NFPROTO: the packet's netfilter family (an inet table sees IPv4 and IPv6).</summary>
    public const uint NfProto = 15;

    /// <summary>NFT_META_L4PROTO: the transport protocol.</summary>
    public const uint L4Proto = 16;

    /// <summary>NFT_META_IIFNAME: the input device's name (IFNAMSIZ bytes, zero-padded).</summary>
    public const uint IifName = 6;

    /// <summary>NFT_META_OIFNAME: the output device's name (IFNAMSIZ bytes, zero-padded).</summary>
    public const uint OifName = 7;

    internal override string Name => "meta";
}

/// <summary><c>payload load LENGTHb @ BASE header + OFFSET =&gt; reg 1</c>.</summary>
/// <param name="Base">NFT_PAYLOAD_*: network header is 1, transport header 2.</param>
/// <param name="Offset">Offset from the header's start, in bytes.</param>
/// <param name="Length">Bytes to load.</param>
public sealed record NfPayloadLoad(uint Base, uint Offset, uint Length) : NfExpression
{
    /// <summary>NFT_PAYLOAD_NETWORK_HEADER.</summary>
    public const uint NetworkHeader = 1;

    /// <summary>NFT_PAYLOAD_TRANSPORT_HEADER.</summary>
    public const uint TransportHeader = 2;

    internal override string Name => "payload";
}

/// <summary><c>cmp eq reg 1 DATA</c>: the rule goes on only when register 1 holds exactly <see cref="Data"/>.</summary>
/// <param name="Data">The value, in the byte order the packet has it.</param>
public sealed record NfCmpEqual(IReadOnlyList<byte> Data) : NfExpression
{
    internal override string Name => "cmp";
}

/// <summary><c>lookup reg 1 set NAME</c>: the rule goes on only when register 1 is an element of the named set.</summary>
/// <param name="Set">The set's name, in the same table.</param>
public sealed record NfLookup(string Set) : NfExpression
{
    internal override string Name => "lookup";
}

/// <summary><c>counter</c>: counts packets and bytes that reach it.</summary>
public sealed record NfCounter : NfExpression
{
    internal override string Name => "counter";
}

/// <summary><c>immediate reg 0 VERDICT</c>: ends the rule with accept or drop.</summary>
/// <param name="Code">NF_ACCEPT (1) or NF_DROP (0).</param>
public sealed record NfVerdict(uint Code) : NfExpression
{
    /// <summary>accept.</summary>
    public static NfVerdict Accept { get; } = new(1);

    /// <summary>drop.</summary>
    public static NfVerdict Drop { get; } = new(0);

    internal override string Name => "immediate";
}

/// <summary><c>bitwise reg 1 = (reg 1 &amp; MASK) ^ XOR</c>: how nft matches a prefix (<c>ip saddr 192.0.2.0/24</c>) before a cmp.</summary>
/// <param name="Mask">The mask, as long as the loaded value.</param>
/// <param name="Xor">The value xored after masking (nft writes zeros).</param>
public sealed record NfBitwise(IReadOnlyList<byte> Mask, IReadOnlyList<byte> Xor) : NfExpression
{
    internal override string Name => "bitwise";
}

/// <summary><c>masq</c>: source NAT to the output device's address (a nat postrouting chain only).</summary>
public sealed record NfMasquerade : NfExpression
{
    internal override string Name => "masq";
}

/// <summary><c>cmp neq reg 1 DATA</c>: the rule goes on only when register 1 does not hold <see cref="Data"/>.</summary>
/// <param name="Data">The value, in the byte order the packet has it.</param>
public sealed record NfCmpNotEqual(IReadOnlyList<byte> Data) : NfExpression
{
    internal override string Name => "cmp";
}

/// <summary><c>ct load KEY =&gt; reg 1</c>: a conntrack value of the packet's connection.</summary>
/// <param name="Key">NFT_CT_*: STATE is 0.</param>
public sealed record NfCtLoad(uint Key) : NfExpression
{
    /// <summary>NFT_CT_STATE: the connection's state bits (established is 2, related 4).</summary>
    public const uint State = 0;

    internal override string Name => "ct";
}
