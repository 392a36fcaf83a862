using System.Globalization;
using System.Text;
using Gate.NetlinkCtl.Bench;
using Gate.NetlinkCtl.Netlink;

// gatectl benchmarks: every figure is measured next to its baseline in the same run, in private network namespaces
// (prefix gctb), so machine load hits both alike; compare the ratios. Usage: bench [--quick] [--sizes 100,1000,10000] ...
var options = BenchOptions.Parse(args);
var gatectl = Path.GetFullPath(options.Gatectl);
if (!File.Exists(gatectl))
{
    Console.Error.WriteLine($"bench: {gatectl} missing: publish it first (./dev.sh publish)");
    return 1;
}

var machine = Machine.Current();
var started = DateTimeOffset.UtcNow;
var loadAtStart = LoadAverage();
var work = Directory.CreateTempSubdirectory("gatectl-bench").FullName;
var findings = new List<Finding>();
var library = new List<ScenarioResult>();
var profiles = new List<StageProfile>();
try
{
    findings.AddRange(await new StartupBench(gatectl, Path.GetFullPath("examples/soracom-gate.yaml"), options).RunAsync());
    var apply = new ApplyBench(gatectl, work, options);
    findings.AddRange(await apply.RunAsync());
    profiles.AddRange(apply.Profiles);
    await using (var ns = await BenchNamespace.CreateAsync("d"))
    {
        await ns.AddUnderlayAsync("u0", "192.0.2.10/24");
        var daemon = new DaemonBench(ns, gatectl, work, options);
        findings.Add(await daemon.SmallGateMemoryAsync());
        findings.AddRange(await daemon.RunAsync(options.Sizes.Min(), measureMemory: false));
        findings.AddRange(await daemon.RunAsync(options.Sizes.Max(), measureMemory: true));
    }

    findings.AddRange(await new DataPlaneBench(gatectl, work, options).RunAsync());

    await using (var ns = await BenchNamespace.CreateAsync("l"))
    {
        using var client = RtnlClient.Open(ns.Name);
        var entries = options.Sizes.Max();
        foreach (var scenario in new FdbScenarios(ns, client, entries).All().Concat(new ReconcileScenarios(ns, entries).All()))
        {
            Console.Error.WriteLine($"bench: library, {scenario.Name}");
            library.Add(await BenchRunner.RunAsync(scenario, options.LibraryRepetitions));
        }
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

var took = DateTimeOffset.UtcNow - started;
var report = new StringBuilder()
    .AppendLine("# gatectl benchmarks")
    .AppendLine()
    .AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}. Run {started:yyyy-MM-dd HH:mm} UTC, took {took.TotalMinutes:0.0} min: `sudo bench/run.sh`; {loadAtStart} at the start, {LoadAverage()} at the end (2 CPUs shared with other work: compare ratios).")
    .AppendLine(CultureInfo.InvariantCulture, $"Settings: {options}. gatectl is the native AOT binary ({new FileInfo(gatectl).Length / 1e6:0.0} MB), timed as a whole process.")
    .AppendLine()
    .Append(Report.Table(findings))
    .AppendLine()
    .AppendLine(CultureInfo.InvariantCulture, $"Where gatectl's time goes: one run each with GATECTL_STAGE_TIMINGS=1 (wall time per stage; {LoadAverage()}):")
    .AppendLine()
    .Append(StageProfile.Table(profiles))
    .AppendLine()
    .AppendLine(CultureInfo.InvariantCulture, $"In-process rtnetlink client against iproute2 ({options.LibraryRepetitions} repetitions, medians; ratio = baseline / gatectl):")
    .AppendLine()
    .Append(BenchRunner.Table(library));
var output = Path.GetFullPath(options.Output);
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
await File.WriteAllTextAsync(output, report.ToString());
Console.Write(report);
Console.Error.WriteLine($"bench: written to {output}");
return 0;

// The machine is shared: the load average beside the figures says how much else ran.
static string LoadAverage() => "load average " + string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
