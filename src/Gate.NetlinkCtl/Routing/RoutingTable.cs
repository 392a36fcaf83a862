using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gate.NetlinkCtl.Netlink;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Routing;

/// <summary>
/// gatectl's second nftables table, <c>inet gatectl_routing</c>, for gates with a <c>routing</c> block (kept apart
/// from the guard's table so either works without the other). Chain <c>forward</c> (filter, policy accept) lets
/// through the gate only the listed sources to and from the device subnet and drops the rest forwarded through it;
/// chain <c>postrouting</c> (nat, srcnat) masquerades the sources behind the peer's inner address when asked:
/// <code>
/// oifname GATE ip saddr SOURCE ip daddr SUBNET counter accept comment "GATE: SOURCE to the devices"
/// iifname GATE ip saddr SUBNET ip daddr SOURCE counter accept comment "GATE: the devices to SOURCE"
/// iifname GATE oifname EGRESS ip saddr SUBNET ip daddr DEST counter accept comment "GATE: the devices to DEST via EGRESS"
/// iifname EGRESS oifname GATE ct state established,related counter accept comment "GATE: answers from EGRESS to the devices"
/// oifname GATE counter drop comment "GATE: other traffic forwarded to the devices"
/// iifname GATE counter drop comment "GATE: other traffic forwarded from the devices"
/// oifname GATE ip saddr SOURCE ip daddr SUBNET counter masquerade comment "GATE: masquerade SOURCE"
/// oifname EGRESS ip saddr SUBNET ip daddr DEST counter masquerade comment "GATE: masquerade the devices to DEST out of EGRESS"
/// </code>
/// The gateway's rules (SORACOM Junction redirection: the peer as the devices' gateway) come from a <c>gateway</c> block.
/// </summary>
internal static class RoutingTable
{
    /// <summary>The table's family.</summary>
    public const string Family = "inet";

    /// <summary>The table's name.</summary>
    public const string Name = "gatectl_routing";

    /// <summary>How nft names it: <c>inet gatectl_routing</c>.</summary>
    public const string Display = Family + " " + Name;

    /// <summary>The filter chain on the forward hook.</summary>
    public const string ForwardChain = "forward";

    /// <summary>The nat chain on the postrouting hook.</summary>
    public const string PostroutingChain = "postrouting";

    /// <summary>The present gates whose routing block asks for forwarding.</summary>
    public static IEnumerable<GateSpec> RoutedGates(DesiredState desired) =>
        desired.Gates.Where(g => g.State == GatePresence.Present && g.Routing is { Active: true });

    /// <summary>The present gates that forward at all: a routing block that asks for it, or a gateway block.</summary>
    public static IEnumerable<GateSpec> ForwardingGates(DesiredState desired) =>
        desired.Gates.Where(g => g.State == GatePresence.Present && (g.Routing is { Active: true } || g.Gateway is not null));

    /// <summary>What a gateway may reach: its destinations, or everything (0.0.0.0/0) when it lists none.</summary>
    public static IReadOnlyList<IPNetwork> DestinationsOf(GatewaySpec gateway) =>
        gateway.Destinations.Count > 0 ? gateway.Destinations : [new IPNetwork(IPAddress.Any, 0)];

    /// <summary>The table <paramref name="desired"/> wants, or null when no gate forwards.</summary>
    public static NfTableContents? For(DesiredState desired)
    {
        var gates = ForwardingGates(desired).ToList();
        if (gates.Count == 0)
        {
            return null;
        }

        var rules = new List<NfRule>();
        foreach (var gate in gates)
        {
            if (gate.Routing is { Active: true } routing)
            {
                foreach (var source in routing.Sources)
                {
                    rules.Add(NfRule.Create(ForwardChain, $"{gate.Name}: {source} to the devices",
                        [.. Interface(NfMetaLoad.OifName, gate.Interface), .. Ipv4(), .. Prefix(12, source), .. Prefix(16, gate.DeviceSubnet), new NfCounter(), NfVerdict.Accept]));
                    rules.Add(NfRule.Create(ForwardChain, $"{gate.Name}: the devices to {source}",
                        [.. Interface(NfMetaLoad.IifName, gate.Interface), .. Ipv4(), .. Prefix(12, gate.DeviceSubnet), .. Prefix(16, source), new NfCounter(), NfVerdict.Accept]));
                }
            }

            if (gate.Gateway is { } gateway)
            {
                foreach (var destination in DestinationsOf(gateway))
                {
                    rules.Add(NfRule.Create(ForwardChain, $"{gate.Name}: the devices to {destination} via {gateway.Egress}",
                        [.. Interface(NfMetaLoad.IifName, gate.Interface), .. Interface(NfMetaLoad.OifName, gateway.Egress), .. Ipv4(), .. Prefix(12, gate.DeviceSubnet), .. Prefix(16, destination), new NfCounter(), NfVerdict.Accept]));
                }

                rules.Add(NfRule.Create(ForwardChain, $"{gate.Name}: answers from {gateway.Egress} to the devices",
                    [.. Interface(NfMetaLoad.IifName, gateway.Egress), .. Interface(NfMetaLoad.OifName, gate.Interface), .. EstablishedOrRelated(), new NfCounter(), NfVerdict.Accept]));
            }

            rules.Add(NfRule.Create(ForwardChain, $"{gate.Name}: other traffic forwarded to the devices",
                [.. Interface(NfMetaLoad.OifName, gate.Interface), new NfCounter(), NfVerdict.Drop]));
            rules.Add(NfRule.Create(ForwardChain, $"{gate.Name}: other traffic forwarded from the devices",
                [.. Interface(NfMetaLoad.IifName, gate.Interface), new NfCounter(), NfVerdict.Drop]));
        }

        foreach (var gate in gates)
        {
            if (gate.Routing is { Active: true, Masquerade: true } routing)
            {
                foreach (var source in routing.Sources)
                {
                    rules.Add(NfRule.Create(PostroutingChain, $"{gate.Name}: masquerade {source}",
                        [.. Interface(NfMetaLoad.OifName, gate.Interface), .. Ipv4(), .. Prefix(12, source), .. Prefix(16, gate.DeviceSubnet), new NfCounter(), new NfMasquerade()]));
                }
            }

            if (gate.Gateway is { Masquerade: true } gateway)
            {
                foreach (var destination in DestinationsOf(gateway))
                {
                    rules.Add(NfRule.Create(PostroutingChain, $"{gate.Name}: masquerade the devices to {destination} out of {gateway.Egress}",
                        [.. Interface(NfMetaLoad.OifName, gateway.Egress), .. Ipv4(), .. Prefix(12, gate.DeviceSubnet), .. Prefix(16, destination), new NfCounter(), new NfMasquerade()]));
                }
            }
        }

        return new NfTableContents(Name, 0, [NfChain.FilterForward(ForwardChain), NfChain.NatPostrouting(PostroutingChain)], [], rules);
    }

    // ct state established,related: the state bits (host byte order) masked, then compared with zero.
    private static NfExpression[] EstablishedOrRelated()
    {
        var mask = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(mask, 2 | 4); // IP_CT_ESTABLISHED bit 2, IP_CT_RELATED bit 4, as nft writes them
        return [new NfCtLoad(NfCtLoad.State), new NfBitwise(mask, new byte[4]), new NfCmpNotEqual(new byte[4])];
    }

    private const byte NfProtoIpv4 = 2; // NFPROTO_IPV4
    private const int InterfaceNameSize = 16; // IFNAMSIZ

    // meta iifname/oifname "NAME": the name zero-padded to IFNAMSIZ, as nft compiles an exact name.
    private static NfExpression[] Interface(uint key, string name)
    {
        var bytes = new byte[InterfaceNameSize];
        Encoding.ASCII.GetBytes(name, bytes);
        return [new NfMetaLoad(key), new NfCmpEqual(bytes)];
    }

    private static NfExpression[] Ipv4() => [new NfMetaLoad(NfMetaLoad.NfProto), new NfCmpEqual([NfProtoIpv4])];

    // ip saddr (offset 12) or ip daddr (offset 16) in NETWORK, as nft compiles it: load, mask, compare (nothing for a /0).
    private static NfExpression[] Prefix(uint offset, IPNetwork network)
    {
        if (network.BaseAddress.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"routing filters IPv4 only, and {network} is not an IPv4 network", nameof(network));
        }

        if (network.PrefixLength == 0)
        {
            return [];
        }

        var value = network.BaseAddress.GetAddressBytes();
        if (network.PrefixLength % 8 == 0)
        {
            // nft shortens a byte-aligned prefix to a load and compare of its whole bytes, without a mask.
            var bytes = network.PrefixLength / 8;
            return [new NfPayloadLoad(NfPayloadLoad.NetworkHeader, offset, (uint)bytes), new NfCmpEqual(value[..bytes])];
        }

        var load = new NfPayloadLoad(NfPayloadLoad.NetworkHeader, offset, 4);

        var mask = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(mask, uint.MaxValue << (32 - network.PrefixLength));
        return [load, new NfBitwise(mask, new byte[4]), new NfCmpEqual(value)];
    }
}
