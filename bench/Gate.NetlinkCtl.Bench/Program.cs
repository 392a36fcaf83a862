using Gate.NetlinkCtl.Bench;
using Gate.NetlinkCtl.Netlink;

// gatectl benchmarks: every scenario runs a baseline and gatectl's subject in the same run, in a private
// network namespace, and reports medians and their ratio. Usage: bench [repetitions] [entries]
var repetitions = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 5;
var entries = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000;

await using var ns = await BenchNamespace.CreateAsync();
using var client = RtnlClient.Open(ns.Name);
var results = new List<ScenarioResult>();
foreach (var scenario in new FdbScenarios(ns, client, entries).All().Concat(new ReconcileScenarios(ns, entries).All()))
{
    Console.Error.WriteLine($"running: {scenario.Name} ({repetitions} repetitions each)");
    results.Add(await BenchRunner.RunAsync(scenario, repetitions));
}

Console.WriteLine($"kernel {Environment.OSVersion.Version}, {Environment.ProcessorCount} CPUs, {repetitions} repetitions, medians; ratio = baseline / gatectl");
Console.WriteLine();
Console.Write(BenchRunner.Table(results));
