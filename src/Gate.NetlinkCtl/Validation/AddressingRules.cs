using System.Buffers.Binary;
using System.Net;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Validation;

/// <summary>
/// The inner side: the gate's address is a host address inside the device subnet with the subnet's
/// prefix, and every peer's inner address is inside the subnet, distinct from the gate's and from each other.
/// </summary>
internal sealed class AddressingRules : IStateRule
{
    public void Check(DesiredState state, RuleContext context)
    {
        for (var i = 0; i < state.Gates.Count; i++)
        {
            var gatePath = StatePath.Gate(i);
            CheckOwnAddress(state.Gates[i], gatePath, context);
            CheckPeerInners(state.Gates[i], gatePath, context);
        }
    }

    private static void CheckOwnAddress(GateSpec gate, string gatePath, RuleContext context)
    {
        var addressPath = StatePath.Key(gatePath, "address");
        var subnetPath = StatePath.Key(gatePath, "deviceSubnet");
        var subnet = gate.DeviceSubnet;
        if (!subnet.Contains(gate.Address.Address))
        {
            context.Report(addressPath,
                $"{gate.Address.Address} is outside the deviceSubnet {subnet}; expected an address inside it (or leave deviceSubnet out to derive it from address)",
                subnetPath);
            return;
        }

        if (gate.Address.PrefixLength != subnet.PrefixLength)
        {
            context.Report(addressPath,
                $"the prefix /{gate.Address.PrefixLength} differs from the deviceSubnet's /{subnet.PrefixLength}; expected {gate.Address.Address}/{subnet.PrefixLength}",
                subnetPath);
            return;
        }

        if (subnet.PrefixLength <= 30 && (gate.Address.Address.Equals(subnet.BaseAddress) || gate.Address.Address.Equals(Broadcast(subnet))))
        {
            var which = gate.Address.Address.Equals(subnet.BaseAddress) ? "network" : "broadcast";
            context.Report(addressPath,
                $"{gate.Address.Address} is the {which} address of {subnet}; expected a host address inside it",
                subnetPath);
        }
    }

    private static void CheckPeerInners(GateSpec gate, string gatePath, RuleContext context)
    {
        var addressPath = StatePath.Key(gatePath, "address");
        var subnetPath = StatePath.Key(gatePath, "deviceSubnet");
        var seen = new Dictionary<IPAddress, int>();
        for (var p = 0; p < gate.Peers.Count; p++)
        {
            if (gate.Peers[p].Inner is not { } inner)
            {
                continue;
            }

            var path = StatePath.Key(StatePath.Item(StatePath.Key(gatePath, "peers"), p), "inner");
            if (inner.Equals(gate.Address.Address))
            {
                context.Report(path, $"{inner} is this gate's own inner address; expected the peer's own inner address", addressPath);
            }
            else if (seen.TryGetValue(inner, out var first))
            {
                context.Report(path, $"{inner} is already the inner address of peers[{first}]; each peer needs its own inner address");
            }
            else if (!gate.DeviceSubnet.Contains(inner))
            {
                context.Report(path, $"{inner} is outside the device subnet {gate.DeviceSubnet}; expected an inner address inside it", addressPath, subnetPath);
            }

            if (context.IsReadable(path))
            {
                seen.TryAdd(inner, p);
            }
        }
    }

    private static IPAddress Broadcast(IPNetwork subnet)
    {
        Span<byte> bytes = stackalloc byte[4];
        subnet.BaseAddress.TryWriteBytes(bytes, out _);
        var hostBits = subnet.PrefixLength == 0 ? uint.MaxValue : (1u << (32 - subnet.PrefixLength)) - 1;
        BinaryPrimitives.WriteUInt32BigEndian(bytes, BinaryPrimitives.ReadUInt32BigEndian(bytes) | hostBits);
        return new IPAddress(bytes);
    }
}
