namespace Gate.NetlinkCtl.Bench;

/// <summary>
/// Scenarios 1, 2 and the apply half of 6, at each N: a cold apply (no device) by gatectl (the whole native process)
/// against the vendor's loop and against one <c>bridge -batch</c>; a no-op apply (already in sync) against
/// <c>bridge -batch</c> sending every entry again, counting kernel writes and child processes; gatectl's peak memory.
/// </summary>
public sealed class ApplyBench(BenchNamespace ns, string gatectl, string directory, BenchOptions options)
{
    private readonly List<Finding> _findings = [];

    /// <summary>Runs every size and returns the findings.</summary>
    public async Task<IReadOnlyList<Finding>> RunAsync()
    {
        await ns.AddUnderlayAsync("u0", "192.0.2.10/24");
        var noops = new List<Finding>();
        foreach (var n in options.Sizes)
        {
            var gate = new GateWorkload(ns, directory, n);
            await ColdAsync(gate);
            noops.AddRange(await NoOpAsync(gate));
            if (n == options.Sizes.Max())
            {
                noops.Add(await PeakMemoryAsync(gate));
            }
        }

        return [.. _findings, .. noops];
    }

    private async Task ColdAsync(GateWorkload gate)
    {
        Console.Error.WriteLine($"bench: cold apply, {Report.N(gate.Endpoints)} endpoints");
        var vendor = new Samples();
        var batch = new Samples();
        var subject = new Samples();
        // The vendor's loop costs ~1 ms an entry: at 10,000 one run of it is enough for a ratio of 10x or more.
        var vendorRuns = gate.Endpoints >= 10_000 ? 1 : options.Repetitions;
        for (var i = 0; i < options.Repetitions; i++)
        {
            if (i < vendorRuns)
            {
                vendor.Add(await TimeColdAsync(gate, "bash", [gate.VendorScriptPath]));
            }

            batch.Add(await TimeColdAsync(gate, "bash", [gate.BatchScriptPath]));
            subject.Add(await TimeColdAsync(gate, gatectl, ["apply", gate.StatePath, "--netns", ns.Name]));
        }

        var scenario = $"1. cold apply, {Report.N(gate.Endpoints)} endpoints";
        var target = gate.Endpoints == options.Sizes.Max() ? "at most 1.0x bridge -batch" : "";
        _findings.Add(new(scenario, Report.Ms(subject.Median), $"bridge -batch: {Report.Ms(batch.Median)}",
            Report.Ratio(subject.Median / batch.Median), target, target == "" ? null : subject.Median <= batch.Median));
        _findings.Add(new(scenario, Report.Ms(subject.Median), $"vendor loop, 1 bridge per entry: {Report.Ms(vendor.Median)}{(vendorRuns == 1 ? " (1 run)" : "")}",
            Report.Ratio(subject.Median / vendor.Median), "", null));
    }

    private static async Task<TimeSpan> TimeColdAsync(GateWorkload gate, string program, string[] args)
    {
        await gate.DeleteDeviceAsync();
        var time = await Processes.TimeAsync(program, args);
        var count = await gate.CountFloodEntriesAsync();
        return count == gate.Endpoints ? time
            : throw new InvalidOperationException($"'{program} {string.Join(' ', args)}' left {count} flood entries, expected {gate.Endpoints}");
    }

    private async Task<IReadOnlyList<Finding>> NoOpAsync(GateWorkload gate)
    {
        // Listening only here: during the cold runs the kernel would copy 10,000 announcements to this process.
        using var writes = KernelWriteCounter.Open(ns.Name);
        Console.Error.WriteLine($"bench: no-op apply, {Report.N(gate.Endpoints)} endpoints");
        // The cold runs ended with gatectl's own apply, so the gate is gatectl's and in sync.
        var batch = new Samples();
        var subject = new Samples();
        long subjectWrites = 0, batchWrites = 0;
        string[] apply = ["apply", gate.StatePath, "--netns", ns.Name];
        for (var i = 0; i < options.Repetitions; i++)
        {
            writes.Reset();
            batch.Add(await Processes.TimeAsync("bridge", ["-n", ns.Name, "-batch", gate.BatchPath]));
            KernelWriteCounter.Settle();
            batchWrites += writes.Count;

            writes.Reset();
            subject.Add(await Processes.TimeAsync(gatectl, apply));
            KernelWriteCounter.Settle();
            subjectWrites += writes.Count;
        }

        var children = await ChildProcessCounter.CountAsync(gatectl, apply);
        var report = await Processes.RunAsync(gatectl, apply);
        if (!report.StandardOutput.Contains("nothing written", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the no-op apply was not in sync: {report.StandardOutput}");
        }

        var target = gate.Endpoints == options.Sizes.Max() ? "at most 0.5x, 0 writes, 0 processes" : "";
        var met = subject.Median <= 0.5 * batch.Median && subjectWrites == 0 && children == 0;
        return
        [
            new($"2. no-op apply (in sync), {Report.N(gate.Endpoints)} endpoints",
                $"{Report.Ms(subject.Median)}; {subjectWrites} kernel writes, {children} child processes",
                $"bridge -batch sending all again: {Report.Ms(batch.Median)}; {batchWrites} kernel events",
                Report.Ratio(subject.Median / batch.Median), target, target == "" ? null : met),
        ];
    }

    private async Task<Finding> PeakMemoryAsync(GateWorkload gate)
    {
        Console.Error.WriteLine($"bench: peak memory of a cold apply, {Report.N(gate.Endpoints)} endpoints");
        await gate.DeleteDeviceAsync();
        var subject = await Processes.PeakRssKibAsync(gatectl, ["apply", gate.StatePath, "--netns", ns.Name]);
        await gate.DeleteDeviceAsync();
        var baseline = await Processes.PeakRssKibAsync("bash", [gate.BatchScriptPath]);
        await gate.DeleteDeviceAsync();
        await Processes.RunAsync(gatectl, ["apply", gate.StatePath, "--netns", ns.Name]);
        return new($"6. peak memory (max RSS), cold apply of {Report.N(gate.Endpoints)}", Report.Mib(subject),
            $"bridge -batch script: {Report.Mib(baseline)}", Report.Ratio((double)subject / baseline), "", null);
    }
}
