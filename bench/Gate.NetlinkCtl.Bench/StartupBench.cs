namespace Gate.NetlinkCtl.Bench;

/// <summary>
/// Scenario 4: how long gatectl takes to start, do a small job and exit: <c>gatectl plan</c> on the SORACOM example
/// (a namespace with its underlay eth0, nothing applied, so 5 changes pending) against <c>ip -d link show</c>.
/// </summary>
public sealed class StartupBench(string gatectl, string example, BenchOptions options)
{
    /// <summary>Runs the start-up comparison.</summary>
    public async Task<IReadOnlyList<Finding>> RunAsync()
    {
        Console.Error.WriteLine($"bench: start-up, {options.StartupRuns} runs each");
        await using var ns = await BenchNamespace.CreateAsync("s");
        await ns.AddUnderlayAsync("eth0", "192.0.2.10/24");
        var plan = new Samples();
        var ip = new Samples();
        // Warm the page cache for both binaries first: the figure is a start, not a disk read.
        await Processes.RunAsync(gatectl, ["plan", example, "--netns", ns.Name], 2);
        await Processes.RunAsync("ip", ["-n", ns.Name, "-d", "link", "show"]);
        for (var i = 0; i < options.StartupRuns; i++)
        {
            plan.Add(await Processes.TimeAsync(gatectl, ["plan", example, "--netns", ns.Name], 2));
            ip.Add(await Processes.TimeAsync("ip", ["-n", ns.Name, "-d", "link", "show"]));
        }

        var rss = await Processes.PeakRssKibAsync(gatectl, ["plan", example, "--netns", ns.Name], 2);
        return
        [
            new("4. start-up: gatectl plan examples/soracom-gate.yaml",
                $"median {Report.Ms(plan.Median)}, p99 {Report.Ms(plan.P99)}; max RSS {Report.Mib(rss)}",
                $"ip -d link show: median {Report.Ms(ip.Median)}", Report.Ratio(plan.Median / ip.Median),
                "median 15 ms or less", plan.Median <= 15),
        ];
    }
}
