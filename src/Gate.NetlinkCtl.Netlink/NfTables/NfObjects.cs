using System.Net;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>
/// A chain of an nftables table. A base chain (<see cref="Hook"/> set) is attached to a netfilter hook, like
/// <c>type filter hook input priority filter; policy accept;</c>; a regular chain has no hook.
/// </summary>
/// <param name="Name">The chain's name.</param>
/// <param name="Type">The base chain's type ("filter"), or null for a regular chain.</param>
/// <param name="Hook">The netfilter hook (NF_INET_LOCAL_IN is 1), or null for a regular chain.</param>
/// <param name="Priority">The base chain's priority (filter is 0).</param>
/// <param name="Policy">The base chain's policy (NF_ACCEPT is 1, NF_DROP 0).</param>
public sealed record NfChain(string Name, string? Type = null, uint? Hook = null, int? Priority = null, uint? Policy = null)
{
    /// <summary>NF_INET_LOCAL_IN: the input hook.</summary>
    public const uint InputHook = 1;

    /// <summary>NF_ACCEPT, as a chain policy or a verdict.</summary>
    public const uint Accept = 1;

    /// <summary>NF_INET_FORWARD: the forward hook.</summary>
    public const uint ForwardHook = 2;

    /// <summary>NF_INET_POST_ROUTING: the postrouting hook.</summary>
    public const uint PostRoutingHook = 4;

    /// <summary>A filter chain on the input hook with priority filter (0) and policy accept.</summary>
    public static NfChain FilterInput(string name) => new(name, "filter", InputHook, 0, Accept);

    /// <summary>A filter chain on the forward hook with priority filter (0) and policy accept.</summary>
    public static NfChain FilterForward(string name) => new(name, "filter", ForwardHook, 0, Accept);

    /// <summary>A nat chain on the postrouting hook with priority srcnat (100) and policy accept.</summary>
    public static NfChain NatPostrouting(string name) => new(name, "nat", PostRoutingHook, 100, Accept);
}

/// <summary>A named set's definition: <c>set NAME { type ipv4_addr; }</c> is key type 7, key length 4.</summary>
/// <param name="Name">The set's name.</param>
/// <param name="KeyType">nft's datatype id of the key (ipv4_addr is 7), kept for nft to print the elements.</param>
/// <param name="KeyLength">The key's length in bytes.</param>
/// <param name="Flags">NFT_SET_* flags (0: a plain hash of constant keys).</param>
public sealed record NfSet(string Name, uint KeyType, uint KeyLength, uint Flags = 0)
{
    /// <summary>nft's datatype id of <c>ipv4_addr</c>.</summary>
    public const uint Ipv4AddressType = 7;

    /// <summary>A set of IPv4 addresses, as <c>type ipv4_addr</c> makes it.</summary>
    public static NfSet OfIpv4Addresses(string name) => new(name, Ipv4AddressType, 4);
}

/// <summary>A set with its elements (addresses: gatectl only keeps sets of IPv4 or IPv6 addresses).</summary>
/// <param name="Definition">The set itself.</param>
/// <param name="Elements">Its elements, in no particular order.</param>
public sealed record NfSetContents(NfSet Definition, IReadOnlyList<IPAddress> Elements);

/// <summary>
/// One rule: its chain, its expressions (as the kernel encodes them) and nft's comment. Rules compare by
/// <see cref="Text"/>, a canonical rendering of every expression attribute except counter values, so a rule
/// read back from the kernel equals the one that was written.
/// </summary>
public sealed class NfRule
{
    internal NfRule(string chain, byte[] expressions, string? comment, ulong handle)
    {
        Chain = chain;
        Expressions = expressions;
        Comment = comment;
        Handle = handle;
        Text = NfExpressionText.Render(expressions);
    }

    /// <summary>The chain the rule is in.</summary>
    public string Chain { get; }

    /// <summary>nft's comment (user data), or null.</summary>
    public string? Comment { get; }

    /// <summary>The kernel's handle of a rule read back (0 for a rule not yet written).</summary>
    public ulong Handle { get; }

    /// <summary>The expressions in canonical text: names and attribute values, counter values left out.</summary>
    public string Text { get; }

    /// <summary>The content of NFTA_RULE_EXPRESSIONS, as written or as dumped.</summary>
    internal byte[] Expressions { get; }

    /// <summary>A rule in <paramref name="chain"/> made of <paramref name="expressions"/>, in order.</summary>
    public static NfRule Create(string chain, string? comment, params IReadOnlyList<NfExpression> expressions)
    {
        if (comment is not null)
        {
            NfTablesCodec.CommentUserData(comment); // refuses a comment nft could not hold, before anything is sent
        }

        return new(chain, NfTablesCodec.EncodeExpressions(expressions), comment, 0);
    }

    /// <summary>True when both rules are in the same chain with the same expressions and comment.</summary>
    public bool SameAs(NfRule other) => Chain == other.Chain && Text == other.Text && Comment == other.Comment;

    /// <summary>For people: the comment when there is one, else the expressions.</summary>
    public override string ToString() => Comment is null ? $"rule in chain {Chain}: {Text}" : $"rule \"{Comment}\" in chain {Chain}";
}

/// <summary>A table as read from the kernel: its flags, chains, sets with elements and rules (in chain order).</summary>
/// <param name="Name">The table's name.</param>
/// <param name="Flags">NFT_TABLE_F_* (1: dormant).</param>
/// <param name="Chains">Its chains.</param>
/// <param name="Sets">Its named sets with their elements.</param>
/// <param name="Rules">Its rules, each chain's in order.</param>
public sealed record NfTableContents(
    string Name, uint Flags, IReadOnlyList<NfChain> Chains, IReadOnlyList<NfSetContents> Sets, IReadOnlyList<NfRule> Rules);
