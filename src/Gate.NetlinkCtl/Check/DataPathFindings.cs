using System.Net;
using Gate.NetlinkCtl.Health;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Check;

/// <summary>The data path check: which inner addresses a gate probes, and what each round of echo requests means.</summary>
internal static class DataPathFindings
{
    /// <summary>The gate's probe targets: its peers' inner addresses, then its <c>probe</c> list (the VPG's inner addresses joined from the API), without repeats.</summary>
    public static IReadOnlyList<IPAddress> Targets(GateSpec gate) => HealthSpec.DefaultTargets(gate);

    /// <summary>The finding when the gate has nothing to probe.</summary>
    public static CheckFinding NoTargets(GateSpec gate) => CheckFinding.Warn(gate.Name, "probe", "no inner address to probe: the data path is not tested",
        "list inner addresses that answer ping (a SIM's, the VPG's) under 'probe:' in the gate, or give peers their 'inner'");

    /// <summary>The finding when this process cannot send ICMP echo at all.</summary>
    public static CheckFinding Unavailable(GateSpec gate, ProbeUnavailableException e) =>
        CheckFinding.Warn(gate.Name, "probe", "the data path is not tested: " + e.Message, "run gatectl check as root, or allow ping sockets as the text says");

    /// <summary>One target's finding: ✔ all replies, ⚠ some lost, ✘ none.</summary>
    public static CheckFinding Of(GateSpec gate, ProbeResult result)
    {
        var check = $"probe {result.Target}";
        if (result.Received == result.Sent)
        {
            return CheckFinding.Pass(gate.Name, check, result.ToString());
        }

        if (result.Up)
        {
            return CheckFinding.Warn(gate.Name, check, result.ToString(),
                $"packets are lost on the way: look for loss on {gate.Underlay} ('ip -s link show {gate.Underlay}'), the path's MTU and the far end's load");
        }

        return CheckFinding.Fail(gate.Name, check, $"{result}: nothing comes back through {gate.Interface}",
            $"if the checks above pass: allow UDP {gate.Port} from the endpoints to {gate.Local} (cloud security group, host firewall), check that Gate is open on the VPG, "
            + $"that this host ({gate.Local}) is registered as a Gate Peer, and that {result.Target} is up and answers ping");
    }

    /// <summary>
    /// One target's path MTU: ✔ packets of the gate's MTU cross, ✘ only smaller ones do (the fix names the MTU that
    /// fits), ⚠ not even small ones with Don't Fragment set (something on the way drops them, so the probe cannot tell).
    /// </summary>
    public static CheckFinding PathMtu(GateSpec gate, PathMtuResult result)
    {
        var check = $"path mtu {result.Target}";
        if (result.Fits)
        {
            return CheckFinding.Pass(gate.Name, check, $"{result.Mtu}-byte packets (the MTU of {gate.Interface}) with Don't Fragment set cross the overlay and back");
        }

        if (result.Largest is not { } largest)
        {
            return CheckFinding.Warn(gate.Name, check, "no echo request with Don't Fragment set got a reply, though ordinary ones do: the path MTU cannot be told",
                "something on the path drops packets with Don't Fragment set; look for a firewall that does so");
        }

        return CheckFinding.Fail(gate.Name, check,
            $"{result.Mtu}-byte packets get no reply, {largest}-byte ones do: the underlay path carries {largest + GateSpec.VxlanOverhead} bytes of VXLAN, "
            + $"not the {result.Mtu + GateSpec.VxlanOverhead} that {gate.Interface}'s MTU {result.Mtu} sends",
            $"set mtu: {largest} on gate {gate.Name} and apply, or raise the MTU of the underlay path (the cloud network, a VPN on the way) to {result.Mtu + GateSpec.VxlanOverhead}");
    }
}
