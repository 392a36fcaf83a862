using System.Globalization;
using Gate.NetlinkCtl.Demo;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.EndToEnd;

/// <summary>Configures the emulator's Gate Peer from its desired state.</summary>
internal static class PeerApply
{
    /// <summary>Applies <paramref name="state"/> inside the peer's namespace.</summary>
    public static async Task ApplyAsync(VpgEmulator emulator, DesiredState state)
    {
        // Placeholder until the reconciler lands: plain iproute2 with the same result.
        var ns = emulator.Peer.Namespace;
        foreach (var gate in state.Gates)
        {
            var existing = await TestNamespace.RunAsync("ip", ["-n", ns, "-o", "link", "show"]);
            if (existing.Contains($" {gate.Interface}:", StringComparison.Ordinal))
            {
                continue;
            }

            await TestNamespace.RunAsync("ip", ["-n", ns, "link", "add", gate.Interface, "type", "vxlan", "id", gate.Vni.ToString(CultureInfo.InvariantCulture),
                "local", gate.Local.ToString(), "dev", gate.Underlay, "dstport", gate.Port.ToString(CultureInfo.InvariantCulture),
                "srcport", gate.SourcePorts.Low.ToString(CultureInfo.InvariantCulture), (gate.SourcePorts.High + 1).ToString(CultureInfo.InvariantCulture),
                gate.Learning ? "learning" : "nolearning"]);
            await TestNamespace.RunAsync("ip", ["-n", ns, "addr", "add", gate.Address.ToString(), "dev", gate.Interface]);
            await TestNamespace.RunAsync("ip", ["-n", ns, "link", "set", gate.Interface, "up"]);
            foreach (var dst in gate.FloodDestinations)
            {
                await TestNamespace.RunAsync("bridge", ["-n", ns, "fdb", "append", "00:00:00:00:00:00", "dev", gate.Interface, "dst", dst.ToString()]);
            }
        }
    }
}
