using System.Net;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Validation;

/// <summary>
/// Gates against each other: unique names, unique interfaces, and no two tunnels the kernel could not
/// tell apart (the same VNI, port and local address).
/// </summary>
internal sealed class CrossGateRules : IStateRule
{
    public void Check(DesiredState state, RuleContext context)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var interfaces = new Dictionary<string, int>(StringComparer.Ordinal);
        var tunnels = new Dictionary<(uint, ushort, IPAddress), int>();
        var subnets = new List<(IPNetwork Subnet, int Gate)>();
        for (var i = 0; i < state.Gates.Count; i++)
        {
            var gate = state.Gates[i];
            var gatePath = StatePath.Gate(i);
            var namePath = StatePath.Key(gatePath, "name");
            var interfacePath = StatePath.Key(gatePath, "interface");
            var vniPath = StatePath.Key(gatePath, "vni");
            var portPath = StatePath.Key(gatePath, "port");
            var localPath = StatePath.Key(gatePath, "local");

            if (context.IsReadable(namePath) && !names.TryAdd(gate.Name, i))
            {
                context.Report(namePath, $"{StateText.Quote(gate.Name)} is already the name of gates[{names[gate.Name]}]; gate names must be unique");
            }

            if (context.IsReadable(interfacePath) && !interfaces.TryAdd(gate.Interface, i))
            {
                context.Report(interfacePath,
                    $"{StateText.Quote(gate.Interface)} is already the interface of gates[{interfaces[gate.Interface]}]; each gate needs its own interface");
            }

            if (context.IsReadable(vniPath) && context.IsReadable(portPath) && context.IsReadable(localPath)
                && !tunnels.TryAdd((gate.Vni, gate.Port, gate.Local), i))
            {
                context.Report(vniPath,
                    $"gates[{tunnels[(gate.Vni, gate.Port, gate.Local)]}] already uses VNI {gate.Vni} on port {gate.Port} from {gate.Local}; the kernel cannot tell the two tunnels apart: change vni, port or local");
            }

            CheckSubnetOverlap(gate, i, subnets, context);
        }
    }

    // Two present gates whose device subnets overlap would each claim the same inner addresses.
    private static void CheckSubnetOverlap(GateSpec gate, int index, List<(IPNetwork Subnet, int Gate)> subnets, RuleContext context)
    {
        var gatePath = StatePath.Gate(index);
        var subnetPath = StatePath.Key(gatePath, "deviceSubnet");
        var addressPath = StatePath.Key(gatePath, "address");
        if (gate.State != GatePresence.Present || !context.IsReadable(subnetPath) || !context.IsReadable(addressPath))
        {
            return;
        }

        foreach (var (other, otherIndex) in subnets)
        {
            if (other.Contains(gate.DeviceSubnet.BaseAddress) || gate.DeviceSubnet.Contains(other.BaseAddress))
            {
                context.Report(subnetPath,
                    $"{gate.DeviceSubnet} overlaps the device subnet {other} of gates[{otherIndex}]; two present gates need separate device subnets");
                return;
            }
        }

        subnets.Add((gate.DeviceSubnet, index));
    }
}
