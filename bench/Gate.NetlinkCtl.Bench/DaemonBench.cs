using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Threading.Channels;
using Gate.NetlinkCtl.Daemon;
using Gate.NetlinkCtl.Netlink;

namespace Gate.NetlinkCtl.Bench;

/// <summary>
/// Scenario 3 and the daemon half of 6: <c>gatectl run</c> keeps a gate with N endpoints; a flood entry is deleted
/// over rtnetlink and the clock runs until the kernel announces it back (RTM_NEWNEIGH for that entry). Then the
/// daemon's resident memory, holding N entries.
/// </summary>
public sealed class DaemonBench(BenchNamespace ns, string gatectl, string directory, BenchOptions options)
{
    private static readonly TimeSpan RestoreLimit = TimeSpan.FromSeconds(5);

    /// <summary>Runs the trials for a gate with <paramref name="endpoints"/> endpoints (the gate must be in sync already).</summary>
    public async Task<IReadOnlyList<Finding>> RunAsync(int endpoints, bool measureMemory)
    {
        Console.Error.WriteLine($"bench: drift repair by the daemon, {Report.N(endpoints)} endpoints, {options.Trials} trials");
        var gate = new GateWorkload(ns, directory, endpoints);
        await Processes.RunAsync(gatectl, ["apply", gate.StatePath, "--netns", ns.Name]);
        var runtime = Directory.CreateTempSubdirectory("gatectl-bench-run").FullName;
        using var daemon = StartDaemon(gate.StatePath, runtime);
        try
        {
            await WaitReadyAsync(daemon, StatusFile.PathIn(runtime, ns.Name));
            var latencies = await TrialsAsync(endpoints);
            var findings = new List<Finding>
            {
                new($"3. drift repair by gatectl run, {Report.N(endpoints)} endpoints ({latencies.Count} trials)",
                    $"median {Report.Ms(latencies.Median)}, p99 {Report.Ms(latencies.P99)}", "-", "-", "median under 50 ms",
                    latencies.Median < 50),
            };
            if (measureMemory)
            {
                var (rss, hwm) = ReadMemory(daemon.Id);
                findings.Add(new($"6. daemon memory holding {Report.N(endpoints)} entries", $"RSS {Report.Mib(rss)} (peak {Report.Mib(hwm)})",
                    "-", "-", "40 MiB RSS or less", rss <= 40 * 1024));
                var (after, _) = await ChurnAsync(daemon.Id, endpoints);
                var change = (double)(after - rss) / rss;
                findings.Add(new($"6. daemon memory holding {Report.N(endpoints)} entries after {options.ChurnSeconds} s of churn (1 flood entry deleted per second)",
                    $"RSS {Report.Mib(after)} ({change * 100:+0.0;-0.0} %)", $"before the churn: RSS {Report.Mib(rss)}", Report.Ratio((double)after / rss),
                    "flat within 5%", Math.Abs(change) <= 0.05));
            }

            return findings;
        }
        finally
        {
            await StopAsync(daemon);
            Directory.Delete(runtime, recursive: true);
        }
    }

    /// <summary>
    /// The daemon's resident memory holding a 2-endpoint gate, read from /proc (VmRSS) once its first reconcile is done
    /// and it has idled a few seconds. Not under its systemd unit: PID 1 here is not systemd.
    /// </summary>
    public async Task<Finding> SmallGateMemoryAsync()
    {
        Console.Error.WriteLine("bench: daemon memory, 2 endpoints");
        var gate = new GateWorkload(ns, directory, 2);
        await Processes.RunAsync(gatectl, ["apply", gate.StatePath, "--netns", ns.Name]);
        var runtime = Directory.CreateTempSubdirectory("gatectl-bench-run").FullName;
        using var daemon = StartDaemon(gate.StatePath, runtime);
        try
        {
            await WaitReadyAsync(daemon, StatusFile.PathIn(runtime, ns.Name));
            await Task.Delay(TimeSpan.FromSeconds(3));
            var (rss, hwm) = ReadMemory(daemon.Id);
            // RSS counts the binary's own pages (clean, file-backed, shared with every gatectl and reclaimable) beside
            // the daemon's heap and stacks (anonymous): both are shown.
            var anonymous = Field(daemon.Id, "RssAnon");
            var file = Field(daemon.Id, "RssFile");
            return new("6. daemon memory, 2-endpoint gate (gatectl run, VmRSS read from /proc, no systemd unit)",
                $"RSS {Report.Mib(rss)}: {Report.Mib(anonymous)} anonymous, {Report.Mib(file)} file-backed (peak {Report.Mib(hwm)})",
                "-", "-", "20 MiB RSS or less", rss <= 20 * 1024);
        }
        finally
        {
            await StopAsync(daemon);
            Directory.Delete(runtime, recursive: true);
        }
    }

    // One flood entry deleted per second (the daemon repairs each), then the daemon's RSS.
    private async Task<(long RssKib, long HwmKib)> ChurnAsync(int pid, int endpoints)
    {
        Console.Error.WriteLine($"bench: daemon churn, {options.ChurnSeconds} s, one flood entry deleted per second");
        using var client = RtnlClient.Open(ns.Name);
        var index = client.GetLink(GateWorkload.Device)!.Index;
        var clock = Stopwatch.StartNew();
        for (var second = 0; second < options.ChurnSeconds; second++)
        {
            var i = (int)((long)(second + 1) * 104729 % endpoints);
            client.FdbDelete(new FdbEntry(index, FdbEntry.AllZeroMac, new IPAddress([198, 18, (byte)(i / 250), (byte)(1 + (i % 250))])));
            var next = TimeSpan.FromSeconds(second + 1) - clock.Elapsed;
            if (next > TimeSpan.Zero)
            {
                await Task.Delay(next);
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        return ReadMemory(pid);
    }

    private Process StartDaemon(string state, string runtime)
    {
        var start = new ProcessStartInfo(gatectl)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "run", "--netns", ns.Name, "--runtime-dir", runtime, state })
        {
            start.ArgumentList.Add(arg);
        }

        var daemon = Process.Start(start) ?? throw new InvalidOperationException("gatectl run did not start");
        daemon.ErrorDataReceived += (_, _) => { };
        daemon.OutputDataReceived += (_, _) => { };
        daemon.BeginErrorReadLine();
        daemon.BeginOutputReadLine();
        return daemon;
    }

    private static async Task WaitReadyAsync(Process daemon, string statusPath)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (daemon.HasExited)
            {
                throw new InvalidOperationException($"gatectl run exited {daemon.ExitCode} at start");
            }

            if (File.Exists(statusPath) && StatusFile.Read(statusPath)?.LastReconcile is { Result: "in-sync" })
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("gatectl run did not report its first reconcile within 30 s");
    }

    private async Task<Samples> TrialsAsync(int endpoints)
    {
        using var client = RtnlClient.Open(ns.Name);
        var index = client.GetLink(GateWorkload.Device)!.Index;
        using var restored = new FdbAnnouncements(ns.Name);
        var latencies = new Samples();
        for (var trial = 0; trial < options.Trials; trial++)
        {
            // A different entry each time, spread over the list.
            var i = (int)((long)trial * 7919 % endpoints);
            var entry = new FdbEntry(index, FdbEntry.AllZeroMac, new IPAddress([198, 18, (byte)(i / 250), (byte)(1 + (i % 250))]));
            restored.Drain();
            var deletedAt = Stopwatch.GetTimestamp();
            if (!client.FdbDelete(entry))
            {
                throw new InvalidOperationException($"trial {trial}: {entry.Destination} was not there to delete");
            }

            var back = await restored.WaitForAsync(entry, RestoreLimit)
                ?? throw new TimeoutException($"trial {trial}: the daemon did not restore {entry.Destination} within {RestoreLimit.TotalSeconds} s");
            var latency = Stopwatch.GetElapsedTime(deletedAt, back);
            latencies.Add(latency);
            // The repair's own events make the daemon reconcile once more (finding nothing): let that pass, so each
            // trial starts from an idle daemon.
            await Task.Delay(TimeSpan.FromMilliseconds(100) + (3 * latency));
        }

        return latencies;
    }

    private static (long RssKib, long HwmKib) ReadMemory(int pid) => (Field(pid, "VmRSS"), Field(pid, "VmHWM"));

    // A KiB field of /proc/PID/status.
    private static long Field(int pid, string name) => File.ReadLines($"/proc/{pid}/status")
        .Where(l => l.StartsWith(name + ":", StringComparison.Ordinal))
        .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture))
        .First();

    private static async Task StopAsync(Process daemon)
    {
        if (!daemon.HasExited)
        {
            // SIGTERM, as systemd stops it; only this process, by its own id.
            await Processes.RunAsync("kill", ["-TERM", daemon.Id.ToString(CultureInfo.InvariantCulture)]);
            if (!daemon.WaitForExit(10_000))
            {
                daemon.Kill();
            }
        }
    }

    /// <summary>RTM_NEWNEIGH announcements of FDB entries, each stamped with the time it was read.</summary>
    private sealed class FdbAnnouncements : IDisposable
    {
        private readonly RtnlEventListener _listener;
        private readonly Channel<(FdbEntry Entry, long At)> _channel = Channel.CreateUnbounded<(FdbEntry, long)>();
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _thread;

        public FdbAnnouncements(string netns)
        {
            _listener = RtnlEventListener.Open(netns, RtnlEventGroups.Neighbour);
            _thread = new Thread(Listen) { IsBackground = true, Name = "fdb announcements" };
            _thread.Start();
        }

        public void Drain()
        {
            while (_channel.Reader.TryRead(out _))
            {
            }
        }

        public async Task<long?> WaitForAsync(FdbEntry entry, TimeSpan limit)
        {
            using var timeout = new CancellationTokenSource(limit);
            try
            {
                while (true)
                {
                    var (seen, at) = await _channel.Reader.ReadAsync(timeout.Token);
                    if (seen.LinkIndex == entry.LinkIndex && Equals(seen.Destination, entry.Destination) && seen.Mac.Equals(entry.Mac))
                    {
                        return at;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _thread.Join();
            _listener.Dispose();
            _stop.Dispose();
        }

        private void Listen()
        {
            try
            {
                while (true)
                {
                    foreach (var e in _listener.Receive(_stop.Token))
                    {
                        if (e is FdbEvent { Change: RtnlChange.New } fdb)
                        {
                            _channel.Writer.TryWrite((fdb.Entry, Stopwatch.GetTimestamp()));
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
