using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gate.NetlinkCtl.Bench;

/// <summary>
/// Scenario 5: two Gate Peers in two namespaces joined by a veth underlay (192.0.2.10 and 192.0.2.20, MTU 1500), each
/// with a gate made by <c>gatectl apply</c> (VNI 10, inner 198.18.0.10/15 and 198.18.0.20/15, the other peer as its
/// endpoint). iperf3 TCP throughput and ping round trips across the overlay against the bare underlay, same
/// namespaces, interleaved.
/// </summary>
public sealed partial class DataPlaneBench(string gatectl, string directory, BenchOptions options)
{
    private const string UnderlayB = "192.0.2.20";
    private const string OverlayB = "198.18.0.20";

    /// <summary>Runs the comparison.</summary>
    public async Task<IReadOnlyList<Finding>> RunAsync()
    {
        Console.Error.WriteLine($"bench: data plane, iperf3 {options.IperfSeconds} s x {options.IperfRounds} rounds per path, {options.Pings} pings per path");
        await using var a = await BenchNamespace.CreateAsync("a");
        await using var b = await BenchNamespace.CreateAsync("b");
        await Processes.RunAsync("ip", ["link", "add", "u0", "netns", a.Name, "type", "veth", "peer", "name", "u0", "netns", b.Name]);
        await a.IpAsync("address", "add", "192.0.2.10/24", "dev", "u0");
        await b.IpAsync("address", "add", "192.0.2.20/24", "dev", "u0");
        await a.IpAsync("link", "set", "u0", "up");
        await b.IpAsync("link", "set", "u0", "up");
        await ApplyGateAsync(a, "192.0.2.10", "198.18.0.10/15", UnderlayB);
        await ApplyGateAsync(b, UnderlayB, "198.18.0.20/15", "192.0.2.10");

        var underlayPing = await PingAsync(a, UnderlayB);
        var overlayPing = await PingAsync(a, OverlayB);
        // A bare veth has no GRO: the VXLAN receive path then pays per packet what a NIC aggregates. Measured as it is,
        // then with GRO on at both ends of the veth (what every real NIC does), for both paths alike.
        var (underlay, overlay) = await ThroughputAsync(a, b);
        await a.ExecAsync("ethtool", "-K", "u0", "gro", "on");
        await b.ExecAsync("ethtool", "-K", "u0", "gro", "on");
        var (underlayGro, overlayGro) = await ThroughputAsync(a, b);

        return
        [
            new("5. TCP throughput (iperf3, 1 stream), overlay vs underlay, bare veth (no GRO)",
                Gbits(overlay.Median), $"bare veth underlay: {Gbits(underlay.Median)}", Report.Ratio(overlay.Median / underlay.Median),
                "", null),
            new("5. TCP throughput (iperf3, 1 stream), overlay vs underlay, veth with GRO on (NIC-like)",
                Gbits(overlayGro.Median), $"veth underlay, GRO on: {Gbits(underlayGro.Median)}", Report.Ratio(overlayGro.Median / underlayGro.Median),
                "at least 0.90x the underlay", overlayGro.Median >= 0.9 * underlayGro.Median),
            new("5. ping round trip, overlay vs underlay",
                $"median {Us(overlayPing.Median)}, p99 {Us(overlayPing.P99)}",
                $"bare veth underlay: median {Us(underlayPing.Median)}, p99 {Us(underlayPing.P99)}",
                Report.Ratio(overlayPing.Median / underlayPing.Median), "", null),
        ];
    }

    private async Task<(Samples Underlay, Samples Overlay)> ThroughputAsync(BenchNamespace a, BenchNamespace b)
    {
        var underlay = new Samples();
        var overlay = new Samples();
        for (var round = 0; round < options.IperfRounds; round++)
        {
            underlay.Add(await IperfAsync(a, b, UnderlayB));
            overlay.Add(await IperfAsync(a, b, OverlayB));
        }

        return (underlay, overlay);
    }

    private async Task ApplyGateAsync(BenchNamespace ns, string local, string address, string endpoint)
    {
        var state = Path.Combine(directory, $"dataplane-{ns.Name}.yaml");
        await File.WriteAllTextAsync(state, $"""
            apiVersion: gatectl/v1
            kind: GatePeer
            host:
              backend: netlink
            gates:
              - name: bench
                interface: gate0
                vni: 10
                underlay: u0
                local: {local}
                address: {address}
                endpoints:
                  - {endpoint}

            """);
        await Processes.RunAsync(gatectl, ["apply", state, "--netns", ns.Name]);
    }

    private async Task<Samples> PingAsync(BenchNamespace from, string target)
    {
        // Resolve the neighbour first, so no round trip below includes ARP.
        await from.ExecAsync("ping", "-n", "-q", "-c", "3", "-i", "0.05", "-w", "5", target);
        var output = await from.ExecAsync("ping", "-n", "-c", options.Pings.ToString(CultureInfo.InvariantCulture), "-i", "0.01", "-w", "20", target);
        var samples = new Samples();
        foreach (Match m in RoundTrip().Matches(output))
        {
            samples.Add(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        }

        return samples.Count >= options.Pings / 2 ? samples
            : throw new InvalidOperationException($"ping {target}: only {samples.Count} of {options.Pings} replies");
    }

    private async Task<double> IperfAsync(BenchNamespace client, BenchNamespace server, string address)
    {
        // One server per measurement (--one-off), bound to the path's address, started before the client connects.
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "netns", "exec", server.Name, "iperf3", "--server", "--one-off", "--bind", address, "--port", "5201" })
        {
            start.ArgumentList.Add(arg);
        }

        using var listener = Process.Start(start) ?? throw new InvalidOperationException("iperf3 server did not start");
        try
        {
            await WaitListeningAsync(server);
            var result = await Processes.RunAsync("ip", ["netns", "exec", client.Name, "iperf3", "--client", address, "--port", "5201",
                "--time", options.IperfSeconds.ToString(CultureInfo.InvariantCulture), "--connect-timeout", "3000", "--json"]);
            using var json = JsonDocument.Parse(result.StandardOutput);
            return json.RootElement.GetProperty("end").GetProperty("sum_received").GetProperty("bits_per_second").GetDouble() / 1e9;
        }
        finally
        {
            if (!listener.WaitForExit(5000))
            {
                listener.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task WaitListeningAsync(BenchNamespace server)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            if ((await server.ExecAsync("ss", "-Htln", "sport", "= :5201")).Trim().Length > 0)
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("iperf3 server did not listen within 5 s");
    }

    private static string Gbits(double value) => string.Create(CultureInfo.InvariantCulture, $"{value:0.00} Gbit/s");

    private static string Us(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms * 1000:0} µs");

    [GeneratedRegex(@"time=([0-9.]+) ms")]
    private static partial Regex RoundTrip();
}
