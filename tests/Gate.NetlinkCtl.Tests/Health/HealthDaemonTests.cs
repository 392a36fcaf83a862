using System.Diagnostics;
using Gate.NetlinkCtl.Daemon;
using Gate.NetlinkCtl.Demo;
using Gate.NetlinkCtl.Health;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.Tests.Daemon;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Health;

/// <summary>
/// The daemon's health probe against the emulator, in its namespaces, with the real reconcile pass and the real rtnetlink
/// event feed: the SIMs answer, then the VPG's endpoints go silent and come back, and through it all the probe triggers
/// no reconcile. The probes run every 200 ms (<see cref="DaemonOptions.ProbePace"/>) instead of a state file's 5 s at least.
/// </summary>
public sealed class HealthDaemonTests
{
    private static readonly ProbePace Fast = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(150));

    [Fact]
    public async Task Silent_endpoints_make_the_targets_down_with_one_log_line_each_way_and_the_probe_never_triggers_a_reconcile()
    {
        Prerequisites.RequireRoot();
        Prerequisites.RequireCommand("nft", "nftables");
        var clock = Stopwatch.StartNew();
        await using var emulator = await VpgEmulator.StartAsync(new EmulatorOptions("hd"), TestContext.Current.CancellationToken);
        var work = Directory.CreateTempSubdirectory("gct-health-").FullName;
        try
        {
            var sims = emulator.Sims.Select(s => s.Inner.Address.ToString()).ToArray();
            var (statePath, statusPath, metricsPath) = WriteState(emulator, work);
            var logger = new RecordingLogger<ReconcileDaemon>();
            var context = new ReconcileContext(emulator.Peer.Namespace, BackendKind.Netlink) { LockDirectory = work };
            using var daemon = new ReconcileDaemon(
                new DaemonOptions(statePath, emulator.Peer.Namespace, statusPath) { ProbePace = Fast },
                new StateInForce(statePath),
                new GateReconcilerPass(new GateReconciler(), context),
                new RtnlEventFeed(emulator.Peer.Namespace),
                logger);
            await daemon.StartAsync(TestContext.Current.CancellationToken);

            // Up: every SIM answers, with a round trip, in the metrics file as Prometheus reads it.
            await WaitForAsync(statusPath, s => Targets(s).Count(t => t.State == "up") == sims.Length);
            var metrics = await WaitForMetricsAsync(metricsPath, m => sims.All(sim => m.Has("gatectl_probe_up", sim)));
            Assert.All(sims, sim => Assert.Equal(1, metrics.Probe("gatectl_probe_up", sim)));
            Assert.All(sims, sim => Assert.InRange(metrics.Probe("gatectl_probe_rtt_seconds", sim), 1e-6, 0.15));
            Assert.True(metrics.Gate("gatectl_gate_rx_packets_total") > 0);
            // The start's own kernel events may still bring one reconcile; after that, the probe must bring none. Learned
            // FDB entries are flushed so the next replies teach them again: their RTM_NEWNEIGH are the probe's own events.
            await Task.Delay(500, TestContext.Current.CancellationToken);
            var reconcilesAtStart = StatusFile.Read(statusPath)!.Totals.Reconciles;
            var ns = emulator.Peer.Namespace;
            await TestNamespace.RunAsync("bridge", ["-n", ns, "fdb", "flush", "dev", "gate0", "self", "nopermanent"]);
            await TestNamespace.RunAsync("ip", ["-n", ns, "neigh", "flush", "dev", "gate0"]);
            Assert.True(
                await Poll.UntilAsync(async () => (await TestNamespace.RunAsync("bridge", ["-n", ns, "fdb", "show", "dev", "gate0"]))
                    .Split('\n').Any(line => line.Length > 0 && !line.StartsWith("00:00:00:00:00:00", StringComparison.Ordinal) && !line.Contains("permanent", StringComparison.Ordinal)),
                    TimeSpan.FromSeconds(10)),
                "the gate did not learn the SIMs' MACs again from the probe's replies");

            // Silent: the VPG's endpoints drop VXLAN. Down after three misses, logged once per target however long it lasts.
            await SetEndpointsSilentAsync(emulator, silent: true);
            await WaitForAsync(statusPath, s => Targets(s).All(t => t.State == "down"));
            await Task.Delay(Fast.Interval * 8, TestContext.Current.CancellationToken);
            metrics = await WaitForMetricsAsync(metricsPath, m => sims.All(sim => m.Has("gatectl_probe_up", sim) && m.Probe("gatectl_probe_up", sim) == 0));
            Assert.All(sims, sim => Assert.Equal(0, metrics.Probe("gatectl_probe_up", sim)));
            Assert.All(sims, sim => Assert.True(metrics.Probe("gatectl_probe_loss_ratio", sim) > 0));
            Assert.All(sims, sim => Assert.True(logger.WithId(16).Count(line => line.Contains($"target {sim} ", StringComparison.Ordinal)) == 1, Log(logger)));

            // Back: one "up again" line per target.
            await SetEndpointsSilentAsync(emulator, silent: false);
            await WaitForAsync(statusPath, s => Targets(s).All(t => t.State == "up"));
            await Task.Delay(Fast.Interval * 5, TestContext.Current.CancellationToken);
            var end = StatusFile.Read(statusPath)!;
            await daemon.StopAsync(TestContext.Current.CancellationToken);

            Assert.All(sims, sim => Assert.True(logger.WithId(17).Count(line => line.Contains($"target {sim} ", StringComparison.Ordinal)) == 1, Log(logger)));
            Assert.True(logger.WithId(16).Count == sims.Length, Log(logger));
            Assert.True(end.Totals.Reconciles == reconcilesAtStart, Log(logger));
            var gate = Assert.Single(end.Health);
            var sent = gate.Targets.Min(t => t.Sent);
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{sent}+ probes per target in {clock.Elapsed.TotalSeconds:F1} s, {end.Totals.Reconciles} reconcile(s) in all; {gate.Interface}: {gate.Counters}; " +
                string.Join("; ", gate.Targets.Select(t => $"{t.Target} {t.State} rtt {t.RttSeconds * 1000:F2} ms loss {t.LossRatio:P0} sent {t.Sent} replies {t.Replies}")));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Log(RecordingLogger<ReconcileDaemon> logger) => string.Join(Environment.NewLine, logger.Lines.Select(l => $"{l.Id.Id} {l.Text}"));

    // The metrics file is written just before the status file; polled on its own, it never depends on that order.
    private static async Task<MetricsFile> WaitForMetricsAsync(string path, Func<MetricsFile, bool> condition)
    {
        MetricsFile? metrics = null;
        await Poll.UntilAsync(
            async () =>
            {
                var text = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
                metrics = new MetricsFile(text, await PrometheusText.ParseAsync(text));
                return condition(metrics);
            },
            TimeSpan.FromSeconds(20));
        return metrics!; // met or not: the asserts that follow say what is missing
    }

    private static IEnumerable<ProbeTargetStatus> Targets(DaemonStatus status) => status.Health.SelectMany(g => g.Targets);

    // The emulator's gate with a health block on its SIMs and VXLAN learning on (so replies teach the device MACs, whose
    // FDB events must not count as drift), plus a metrics file.
    private static (string State, string Status, string Metrics) WriteState(VpgEmulator emulator, string work)
    {
        var state = emulator.PeerState();
        var gate = state.Gates[0] with
        {
            Learning = true,
            Health = new HealthSpec(HealthSpec.DefaultInterval, HealthSpec.DefaultTimeout, emulator.Sims.Select(s => s.Inner.Address).ToEquatableList()),
        };
        var metricsPath = Path.Combine(work, "metrics.prom");
        state = state with { Host = state.Host with { MetricsPath = metricsPath }, Gates = new EquatableList<GateSpec>([gate]) };
        var statePath = Path.Combine(work, "state.yaml");
        File.WriteAllText(statePath, StateWriter.Write(state));
        return (statePath, Path.Combine(work, "status.json"), metricsPath);
    }

    private static async Task SetEndpointsSilentAsync(VpgEmulator emulator, bool silent)
    {
        foreach (var endpoint in emulator.Endpoints)
        {
            await TestNamespace.RunAsync("ip", silent
                ? ["netns", "exec", endpoint.Namespace, "nft", "add table inet silent { chain input { type filter hook input priority 0; udp dport 4789 drop; }; }"]
                : ["netns", "exec", endpoint.Namespace, "nft", "delete table inet silent"]);
        }
    }

    private static Task<DaemonStatus> WaitForAsync(string statusPath, Func<DaemonStatus, bool> condition) =>
        DaemonStateFiles.WaitForStatusAsync(statusPath, condition);

    /// <summary>The metrics file as parsed, and its text for failure messages.</summary>
    private sealed record MetricsFile(string Text, IReadOnlyList<PrometheusText.Family> Families)
    {
        public double Probe(string name, string target) => Read(name, ("gate", "vpg-demo"), ("target", target));

        public bool Has(string name, string target) =>
            Families.SelectMany(f => f.Samples).Any(s => s.Name == name && s.Labels.GetValueOrDefault("target") == target && s.Labels.GetValueOrDefault("gate") == "vpg-demo");

        public double Gate(string name) => Read(name, ("gate", "vpg-demo"), ("interface", "gate0"));

        private double Read(string name, params (string, string)[] labels)
        {
            try
            {
                return PrometheusText.Value(Families, name, labels);
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException($"{name} {string.Join(",", labels)}: {e.Message}; the metrics file:\n{Text}", e);
            }
        }
    }
}
