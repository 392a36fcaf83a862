namespace Gate.NetlinkCtl.Bench;

/// <summary>
/// Scenarios 1, 2 and the apply half of 6, at each N, each repetition in a fresh namespace: a cold apply (no device)
/// by gatectl (the whole native process) with the guard off and on, against one <c>bridge -batch</c> (and the
/// vendor's loop); a no-op apply with the guard on (already in sync) against <c>bridge -force -batch</c> appending
/// every entry again, counting kernel writes and child processes; peak memory against the <c>bridge -batch</c>
/// process; and a per-stage profile of gatectl's runs at the smallest and largest N.
/// </summary>
public sealed class ApplyBench(string gatectl, string directory, BenchOptions options)
{
    private readonly List<StageProfile> _profiles = [];

    /// <summary>The per-stage profiles taken during the run (one run each, in the last repetition).</summary>
    public IReadOnlyList<StageProfile> Profiles => _profiles;

    /// <summary>Runs every size and returns the findings.</summary>
    public async Task<IReadOnlyList<Finding>> RunAsync()
    {
        var cold = new List<Finding>();
        var noops = new List<Finding>();
        var memory = new List<Finding>();
        foreach (var n in options.Sizes)
        {
            var sizes = new SizeRun(n, n == options.Sizes.Max(), n == options.Sizes.Min());
            for (var trial = 0; trial < options.Repetitions; trial++)
            {
                Console.Error.WriteLine($"bench: apply, {Report.N(n)} endpoints, trial {trial + 1} of {options.Repetitions} (fresh namespace)");
                await using var ns = await BenchNamespace.CreateAsync("g");
                await ns.AddUnderlayAsync("u0", "192.0.2.10/24");
                var gate = new GateWorkload(ns, directory, n);
                await TrialAsync(ns, gate, sizes, trial);
                if (trial == options.Repetitions - 1)
                {
                    await LastTrialAsync(ns, gate, sizes, memory);
                }
            }

            cold.AddRange(sizes.ColdFindings());
            noops.Add(sizes.NoOpFinding());
        }

        return [.. cold, .. noops, .. memory];
    }

    private async Task TrialAsync(BenchNamespace ns, GateWorkload gate, SizeRun run, int trial)
    {
        // The vendor's loop costs 1 to 20 ms an entry (one process each, more on a loaded host): one run at up to 1,000
        // endpoints shows its ratio; at 10,000 it could outlast the bench's per-command limit, and it grows linearly.
        if (trial == 0 && gate.Endpoints <= 1_000)
        {
            run.Vendor.Add(await TimeColdAsync(gate, "bash", [gate.VendorScriptPath]));
        }

        run.Batch.Add(await TimeColdAsync(gate, "bash", [gate.BatchScriptPath]));
        run.GuardOff.Add(await TimeColdAsync(gate, gatectl, Apply(ns, gate.StatePath)));
        run.GuardOn.Add(await TimeColdAsync(gate, gatectl, Apply(ns, gate.GuardedStatePath)));

        // The gate is gatectl's and in sync, guard included. Listening only now: during the cold runs the kernel
        // would copy 10,000 announcements to this process.
        using var writes = KernelWriteCounter.Open(ns.Name);
        writes.Reset();
        // -force: every append is refused (EEXIST) and bridge goes on to the next; it exits 1 for the refusals.
        run.ForceBatch.Add(await Processes.TimeAsync("bridge", ["-n", ns.Name, "-force", "-batch", gate.BatchPath], 0, 1));
        KernelWriteCounter.Settle();
        run.BatchEvents += writes.Count;

        writes.Reset();
        run.NoOp.Add(await Processes.TimeAsync(gatectl, Apply(ns, gate.GuardedStatePath)));
        KernelWriteCounter.Settle();
        run.NoOpWrites += writes.Count;
    }

    private async Task LastTrialAsync(BenchNamespace ns, GateWorkload gate, SizeRun run, List<Finding> memory)
    {
        string[] apply = Apply(ns, gate.GuardedStatePath);
        run.Children = await ChildProcessCounter.CountAsync(gatectl, apply);
        var report = await Processes.RunAsync(gatectl, apply);
        if (!report.StandardOutput.Contains("nothing written", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the no-op apply was not in sync: {report.StandardOutput}");
        }

        if (run.Smallest || run.Largest)
        {
            var n = Report.N(gate.Endpoints);
            await gate.DeleteDeviceAsync();
            _profiles.Add(await StageProfile.MeasureAsync($"cold apply, {n}, guard on", gatectl, apply));
            _profiles.Add(await StageProfile.MeasureAsync($"no-op apply, {n}, guard on", gatectl, apply));
        }

        if (run.Smallest)
        {
            // The floor: a process that starts, prints one line and exits.
            var version = new Samples();
            for (var i = 0; i < 5; i++)
            {
                version.Add(await Processes.TimeAsync(gatectl, ["version"]));
            }

            run.Floor = version.Median;
        }

        if (run.Largest)
        {
            Console.Error.WriteLine($"bench: peak memory of a cold apply, {Report.N(gate.Endpoints)} endpoints");
            await gate.DeleteDeviceAsync();
            var subject = await Processes.PeakRssKibAsync(gatectl, apply);
            // The baseline is the bridge process alone, on the device the batch script makes first.
            await gate.AddBareDeviceAsync();
            var baseline = await Processes.PeakRssKibAsync("bridge", ["-n", ns.Name, "-batch", gate.BatchPath]);
            memory.Add(new($"6. peak memory (max RSS), cold apply of {Report.N(gate.Endpoints)}, guard on", Report.Mib(subject),
                $"bridge -batch process: {Report.Mib(baseline)}", Report.Ratio((double)subject / baseline), "at most 1.0x bridge -batch",
                subject <= baseline));
        }
    }

    private static string[] Apply(BenchNamespace ns, string state) => ["apply", state, "--netns", ns.Name];

    private static async Task<TimeSpan> TimeColdAsync(GateWorkload gate, string program, string[] args)
    {
        await gate.DeleteDeviceAsync();
        var time = await Processes.TimeAsync(program, args);
        var count = await gate.CountFloodEntriesAsync();
        return count == gate.Endpoints ? time
            : throw new InvalidOperationException($"'{program} {string.Join(' ', args)}' left {count} flood entries, expected {gate.Endpoints}");
    }

    /// <summary>What one size measured over its repetitions.</summary>
    private sealed class SizeRun(int endpoints, bool largest, bool smallest)
    {
        public bool Largest { get; } = largest;

        public bool Smallest { get; } = smallest;

        public Samples Vendor { get; } = new();

        public Samples Batch { get; } = new();

        public Samples GuardOff { get; } = new();

        public Samples GuardOn { get; } = new();

        public Samples ForceBatch { get; } = new();

        public Samples NoOp { get; } = new();

        public long BatchEvents { get; set; }

        public long NoOpWrites { get; set; }

        public int Children { get; set; }

        public double? Floor { get; set; }

        public IEnumerable<Finding> ColdFindings()
        {
            var scenario = $"1. cold apply, {Report.N(endpoints)} endpoints";
            var target = Largest ? "at most 1.0x bridge -batch" : "";
            var batch = $"bridge -batch: {Report.Ms(Batch.Median)}";
            yield return new($"{scenario}, guard off", Report.Ms(GuardOff.Median), batch, Report.Ratio(GuardOff.Median / Batch.Median),
                target, Largest ? GuardOff.Median <= Batch.Median : null);
            yield return new($"{scenario}, guard on", Report.Ms(GuardOn.Median), batch, Report.Ratio(GuardOn.Median / Batch.Median),
                target, Largest ? GuardOn.Median <= Batch.Median : null);
            if (Floor is { } floor)
            {
                yield return new($"1. floor at {Report.N(endpoints)} endpoints: process start and exit", $"gatectl version: {Report.Ms(floor)}",
                    $"cold apply, guard off: {Report.Ms(GuardOff.Median)}", Report.Ratio(floor / GuardOff.Median), "say what it is", null);
            }

            if (Vendor.Count > 0)
            {
                yield return new($"{scenario}, guard off", Report.Ms(GuardOff.Median),
                    $"vendor loop, 1 bridge per entry: {Report.Ms(Vendor.Median)}{(Vendor.Count == 1 ? " (1 run)" : "")}",
                    Report.Ratio(GuardOff.Median / Vendor.Median), "", null);
            }
        }

        public Finding NoOpFinding()
        {
            var target = Largest ? "at most 0.3x, 0 writes, 0 processes" : "";
            var met = NoOp.Median <= 0.3 * ForceBatch.Median && NoOpWrites == 0 && Children == 0;
            return new($"2. no-op apply (in sync), {Report.N(endpoints)} endpoints, guard on",
                $"{Report.Ms(NoOp.Median)}; {NoOpWrites} kernel writes, {Children} child processes",
                $"bridge -force -batch appending all again: {Report.Ms(ForceBatch.Median)}; {BatchEvents} kernel events",
                Report.Ratio(NoOp.Median / ForceBatch.Median), target, Largest ? met : null);
        }
    }
}
