using System.Globalization;
using System.Runtime.CompilerServices;

namespace Gate.NetlinkCtl.Demo;

/// <summary>
/// The demo's proofs that a configured Gate Peer works against the emulator: both directions for every SIM with
/// ping and TCP/UDP payloads, the encapsulation seen on the peer's underlay, and the overlay MTU.
/// </summary>
internal static class DemoChecks
{
    /// <summary>The direction label of traffic from a SIM to the peer.</summary>
    public const string DeviceToCloud = "device → cloud";

    /// <summary>The direction label of traffic from the peer to a SIM.</summary>
    public const string CloudToDevice = "cloud → device";

    /// <summary>The direction label of traffic from the VPC host (not a Gate Peer) through the peer to a SIM.</summary>
    public const string VpcToDevice = "VPC host → device";

    /// <summary>The direction label of traffic from a SIM through the peer (its gateway) to the internet.</summary>
    public const string DeviceToInternet = "device → internet";

    private const int PingCount = 3;
    private const int UdpBytes = 512;
    private const int TcpBytes = 64 * 1024;
    private const int IcmpAndIpHeaders = 28;

    /// <summary>Runs every check in order, yielding each as it completes.</summary>
    public static async IAsyncEnumerable<DemoCheck> RunAsync(VpgEmulator emulator, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var peer = emulator.Peer;
        var peerInner = peer.Inner.Address;
        foreach (var sim in emulator.Sims)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var up = $"{sim.Name} → peer {peerInner}";
            var down = $"peer → {sim.Name} {sim.Inner.Address}";
            yield return Ping(DeviceToCloud, up, await TrafficProbe.PingAsync(sim.Namespace, peerInner, PingCount));
            yield return Payload(DeviceToCloud, up, "TCP echo", await TrafficProbe.TcpEchoAsync(sim.Namespace, peer.Namespace, peerInner, TcpBytes));
            yield return Ping(CloudToDevice, down, await TrafficProbe.PingAsync(peer.Namespace, sim.Inner.Address, PingCount));
            yield return Payload(CloudToDevice, down, "UDP echo", await TrafficProbe.UdpEchoAsync(peer.Namespace, sim.Namespace, sim.Inner.Address, UdpBytes));
            yield return Payload(CloudToDevice, down, "TCP echo", await TrafficProbe.TcpEchoAsync(peer.Namespace, sim.Namespace, sim.Inner.Address, TcpBytes));
        }

        if (emulator.Options.VpcHost)
        {
            // The peer as the VPC's router: the VPC host reaches a SIM through it (routing block, masqueraded).
            var first = emulator.Sims[0];
            var through = $"vpc {EmulatorAddresses.VpcHost.Address} → peer → {first.Name} {first.Inner.Address}";
            yield return Ping(VpcToDevice, through, await TrafficProbe.PingAsync(emulator.VpcHost, first.Inner.Address, PingCount));
            yield return Payload(VpcToDevice, through, "TCP echo", await TrafficProbe.TcpEchoAsync(emulator.VpcHost, first.Namespace, first.Inner.Address, TcpBytes));
        }

        if (emulator.Options.Internet)
        {
            // The peer as the devices' gateway (Junction redirection): sim1's traffic for the internet leaves by eg0, masqueraded.
            var sim = emulator.Sims[0];
            var server = EmulatorAddresses.InternetServer.Address;
            var via = $"{sim.Name} → peer → {VpgEmulator.PeerEgressDevice} → server {server}";
            yield return Ping(DeviceToInternet, via, await TrafficProbe.PingAsync(sim.Namespace, server, PingCount));
            yield return Payload(DeviceToInternet, via, "TCP echo", await TrafficProbe.TcpEchoAsync(sim.Namespace, emulator.Internet, server, TcpBytes));
        }

        yield return await UnderlayAsync(emulator);
        yield return await MtuAsync(emulator);
    }

    private static DemoCheck Ping(string direction, string path, PingResult result) => new(
        direction,
        path,
        $"ping {result.Received}/{result.Sent}" + (result.Duplicates > 0 ? $" (+{result.Duplicates} dup)" : ""),
        result.AllAnswered,
        result.AverageRtt);

    private static DemoCheck Payload(string direction, string path, string probe, PayloadResult result) => new(
        direction,
        path,
        $"{probe} {Size(result.Bytes)}" + (result.Passed ? "" : $": {result.Error}"),
        result.Passed,
        result.Passed ? result.Elapsed : null);

    /// <summary>Captures a C2D ping on the peer's underlay and checks every packet is VXLAN with the gate's VNI and ports.</summary>
    private static async Task<DemoCheck> UnderlayAsync(VpgEmulator emulator)
    {
        var gate = emulator.PeerGate();
        var sim = emulator.Sims[0];
        await using var capture = await VxlanCapture.StartAsync(emulator.Peer.Namespace, emulator.Peer.Underlay, maxPackets: 32, TimeSpan.FromSeconds(5));
        var ping = await TrafficProbe.PingAsync(emulator.Peer.Namespace, sim.Inner.Address, PingCount);
        var packets = await capture.StopAsync(TimeSpan.FromSeconds(0.5));
        var requests = packets.Where(p => Equals(p.InnerDestination, sim.Inner.Address)).ToList();
        var endpoints = requests.Select(p => p.OuterDestination).Distinct().Count();
        var passed = ping.AllAnswered && requests.Count > 0
            && packets.All(p => p.VniValid && p.Vni == gate.Vni && p.DestinationPort == gate.Port)
            && requests.All(p => p.SourcePort >= gate.SourcePorts.Low && p.SourcePort <= gate.SourcePorts.High && Equals(p.OuterSource, gate.Local))
            && endpoints == gate.Endpoints.Count;
        var sourcePorts = string.Join(",", requests.Select(p => p.SourcePort).Distinct());
        return new DemoCheck(
            "underlay",
            $"peer {gate.Local} → VPG",
            $"{packets.Count} VXLAN packets, VNI {string.Join(",", packets.Select(p => p.Vni).Distinct())}, UDP {sourcePorts}→{gate.Port}, each request to {endpoints} endpoints",
            passed,
            null);
    }

    /// <summary>A packet of the overlay's MTU with DF set crosses; one byte more is refused where the sender sees it.</summary>
    private static async Task<DemoCheck> MtuAsync(VpgEmulator emulator)
    {
        var sim = emulator.Sims[0];
        var full = VpgEmulator.OverlayMtu - IcmpAndIpHeaders;
        var fits = await TrafficProbe.PingAsync(emulator.Peer.Namespace, sim.Inner.Address, 1, full, dontFragment: true);
        var tooBig = await TrafficProbe.PingAsync(emulator.Peer.Namespace, sim.Inner.Address, 1, full + 1, dontFragment: true);
        var passed = fits.AllAnswered && tooBig.Received == 0 && tooBig.LocalError is not null;
        return new DemoCheck(
            "mtu",
            $"peer → {sim.Name}",
            $"{VpgEmulator.OverlayMtu} B with DF {(fits.AllAnswered ? "crosses" : "lost")}; {VpgEmulator.OverlayMtu + 1} B: {tooBig.LocalError ?? "no error seen"}",
            passed,
            fits.AverageRtt);
    }

    private static string Size(int bytes) =>
        bytes >= 1024 ? $"{(bytes / 1024).ToString(CultureInfo.InvariantCulture)} KiB" : $"{bytes.ToString(CultureInfo.InvariantCulture)} B";
}
