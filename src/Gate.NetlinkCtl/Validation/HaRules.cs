using System.Net;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Validation;

/// <summary>
/// A gate's VRRP pair: the virtual address is a host address of the device subnet with its prefix, distinct from
/// every address a peer of the pair has; at least one other peer, each inside the subnet; and no two gates share a
/// virtual router id (keepalived keys its instances by it, and so do the adverts on the wire).
/// </summary>
internal sealed class HaRules : IStateRule
{
    public void Check(DesiredState state, RuleContext context)
    {
        var routerIds = new Dictionary<byte, int>();
        for (var i = 0; i < state.Gates.Count; i++)
        {
            var gate = state.Gates[i];
            if (gate.Ha is not { } ha)
            {
                continue;
            }

            var haPath = StatePath.Key(StatePath.Gate(i), "ha");
            CheckVirtualAddress(gate, ha, haPath, context);
            CheckPeers(gate, ha, haPath, context);

            var routerIdPath = StatePath.Key(haPath, "routerId");
            if (context.IsReadable(routerIdPath) && !routerIds.TryAdd(ha.RouterId, i))
            {
                context.Report(routerIdPath,
                    $"virtual router id {ha.RouterId} is already used by gates[{routerIds[ha.RouterId]}].ha; each gate's VRRP pair needs its own routerId");
            }
        }
    }

    private static void CheckVirtualAddress(GateSpec gate, HaSpec ha, string haPath, RuleContext context)
    {
        var gatePath = StatePath.Parent(haPath);
        var path = StatePath.Key(haPath, "virtualAddress");
        var addressPath = StatePath.Key(gatePath, "address");
        var subnetPath = StatePath.Key(gatePath, "deviceSubnet");
        var vip = ha.VirtualAddress.Address;
        var subnet = gate.DeviceSubnet;
        if (!subnet.Contains(vip))
        {
            context.Report(path, $"{vip} is outside the device subnet {subnet}; expected a free address inside it", addressPath, subnetPath);
        }
        else if (ha.VirtualAddress.PrefixLength != subnet.PrefixLength)
        {
            context.Report(path,
                $"the prefix /{ha.VirtualAddress.PrefixLength} differs from the device subnet's /{subnet.PrefixLength}; expected {vip}/{subnet.PrefixLength}",
                addressPath, subnetPath);
        }
        else if (subnet.PrefixLength <= 30 && (vip.Equals(subnet.BaseAddress) || Bits(vip) == Bits(subnet.BaseAddress) + HostMask(subnet)))
        {
            context.Report(path, $"{vip} is the {(vip.Equals(subnet.BaseAddress) ? "network" : "broadcast")} address of {subnet}; expected a host address inside it", subnetPath);
        }
        else if (vip.Equals(gate.Address.Address))
        {
            context.Report(path, $"{vip} is this host's own inner address; the virtual address must be a third address that moves between the peers", addressPath);
        }
        else if (gate.Peers.Select((p, index) => (p.Inner, index)).FirstOrDefault(p => vip.Equals(p.Inner)) is { Inner: not null } peer)
        {
            context.Report(path, $"{vip} is the inner address of peers[{peer.index}]; the virtual address must be one no host has of its own");
        }
    }

    private static void CheckPeers(GateSpec gate, HaSpec ha, string haPath, RuleContext context)
    {
        var peersPath = StatePath.Key(haPath, "peers");
        var addressPath = StatePath.Key(StatePath.Parent(haPath), "address");
        if (ha.Peers.Count == 0)
        {
            context.Report(peersPath, "no other peer is listed; a VRRP pair needs at least one other peer's inner address, such as [10.128.0.253]");
            return;
        }

        var seen = new Dictionary<IPAddress, int>();
        for (var p = 0; p < ha.Peers.Count; p++)
        {
            var inner = ha.Peers[p];
            var path = StatePath.Item(peersPath, p);
            if (!context.IsReadable(path))
            {
                continue;
            }

            if (inner.Equals(gate.Address.Address))
            {
                context.Report(path, $"{inner} is this host's own inner address; list the other peers' inner addresses", addressPath);
            }
            else if (inner.Equals(ha.VirtualAddress.Address))
            {
                context.Report(path, $"{inner} is the virtual address itself; list the other peers' own inner addresses", StatePath.Key(haPath, "virtualAddress"));
            }
            else if (!gate.DeviceSubnet.Contains(inner))
            {
                context.Report(path, $"{inner} is outside the device subnet {gate.DeviceSubnet}; VRRP adverts go over the overlay, so expected the peer's inner address", addressPath);
            }
            else if (!seen.TryAdd(inner, p))
            {
                context.Report(path, $"{inner} is already ha.peers[{seen[inner]}]; list each peer once");
            }
        }
    }

    private static uint HostMask(IPNetwork subnet) => subnet.PrefixLength == 0 ? uint.MaxValue : (1u << (32 - subnet.PrefixLength)) - 1;

    private static uint Bits(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }
}
