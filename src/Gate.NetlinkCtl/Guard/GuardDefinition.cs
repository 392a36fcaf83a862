using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Gate.NetlinkCtl.Netlink;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Guard;

/// <summary>
/// The table the guard wants for a state, as nf_tables objects: per present gate a set of its allowed sources
/// (VPG endpoints and peers) and two rules in chain <c>input</c>, every accept before any drop:
/// <code>
/// ip daddr LOCAL udp dport PORT ip saddr @sources_GATE counter accept comment "GATE: VPG endpoints and peers"
/// ip daddr LOCAL udp dport PORT counter drop comment "GATE: VXLAN from an unknown source"
/// </code>
/// The same rules the nftables template renders (templates/nftables/gatectl-guard.nft.sbn); a test proves nft
/// lists both alike. Allowed sources live in sets, so an endpoint change is one element added or deleted.
/// </summary>
internal static class GuardDefinition
{
    /// <summary>The one chain: <c>type filter hook input priority filter; policy accept;</c>.</summary>
    public const string Chain = "input";

    /// <summary>The set of gate <paramref name="gate"/>'s allowed sources.</summary>
    public static string SetName(string gate) => "sources_" + gate;

    /// <summary>The comment of the accept rule, which names the gate.</summary>
    public static string AcceptComment(string gate) => $"{gate}: VPG endpoints and peers";

    /// <summary>The comment of the drop rule, which names the gate.</summary>
    public static string DropComment(string gate) => $"{gate}: VXLAN from an unknown source";

    /// <summary>Whether <paramref name="desired"/> wants a table: the guard is on and at least one gate is present.</summary>
    public static bool IsWanted(DesiredState desired) =>
        desired.Host.Guard && desired.Gates.Any(g => g.State == GatePresence.Present);

    /// <summary>The table <paramref name="desired"/> wants, or null when it wants none.</summary>
    public static NfTableContents? For(DesiredState desired)
    {
        if (!IsWanted(desired))
        {
            return null;
        }

        var gates = desired.Gates.Where(g => g.State == GatePresence.Present).ToList();
        var sets = gates.Select(g => new NfSetContents(NfSet.OfIpv4Addresses(SetName(g.Name)), g.FloodDestinations.Select(Ipv4).ToList())).ToList();
        var accepts = gates.Select(g => NfRule.Create(Chain, AcceptComment(g.Name),
            [.. Match(g), new NfPayloadLoad(NfPayloadLoad.NetworkHeader, 12, 4), new NfLookup(SetName(g.Name)), new NfCounter(), NfVerdict.Accept]));
        var drops = gates.Select(g => NfRule.Create(Chain, DropComment(g.Name), [.. Match(g), new NfCounter(), NfVerdict.Drop]));
        return new NfTableContents(GuardTable.Name, 0, [NfChain.FilterInput(Chain)], sets, [.. accepts, .. drops]);
    }

    private const byte NfProtoIpv4 = 2; // NFPROTO_IPV4

    // ip daddr LOCAL udp dport PORT, as nft compiles it in an inet table: family IPv4, address, protocol UDP, port.
    private static NfExpression[] Match(GateSpec gate)
    {
        var port = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(port, gate.Port);
        return
        [
            new NfMetaLoad(NfMetaLoad.NfProto), new NfCmpEqual([NfProtoIpv4]),
            new NfPayloadLoad(NfPayloadLoad.NetworkHeader, 16, 4), new NfCmpEqual(Ipv4(gate.Local).GetAddressBytes()),
            new NfMetaLoad(NfMetaLoad.L4Proto), new NfCmpEqual([(byte)ProtocolType.Udp]),
            new NfPayloadLoad(NfPayloadLoad.TransportHeader, 2, 2), new NfCmpEqual(port),
        ];
    }

    private static IPAddress Ipv4(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork
        ? address
        : throw new GuardException($"the guard filters IPv4 only, and {address} is not an IPv4 address");
}
