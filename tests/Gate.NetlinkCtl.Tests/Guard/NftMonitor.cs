using System.Collections.Concurrent;
using CliWrap;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Guard;

/// <summary>
/// <c>nft monitor</c> in a test namespace as the oracle of what changed: every ruleset event printed while an
/// action runs, between two marker tables the monitor must see first (so no event is missed or left over).
/// </summary>
internal static class NftMonitor
{
    private const string Marker = "gct_monitor_mark";

    public static async Task<List<string>> WatchAsync(TestNamespace ns, Func<Task> action, CancellationToken token)
    {
        var lines = new ConcurrentQueue<string>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        var monitor = Cli.Wrap("ip")
            .WithArguments(["netns", "exec", ns.Name, "nft", "monitor", "ruleset"])
            .WithStandardOutputPipe(PipeTarget.ToDelegate(lines.Enqueue))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(stop.Token);
        try
        {
            await MarkAsync(ns, lines, "start", token);
            await action();
            await MarkAsync(ns, lines, "end", token);
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await monitor;
            }
            catch (OperationCanceledException)
            {
                // stopped on purpose
            }
        }

        var all = lines.ToList();
        var from = all.FindLastIndex(l => l.Contains(Marker + "_start", StringComparison.Ordinal));
        var to = all.FindIndex(l => l.Contains(Marker + "_end", StringComparison.Ordinal));
        return all.Skip(from + 1).Take(to - from - 1).Where(l => !l.StartsWith('#')).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
    }

    // Adds a marker table until the monitor prints it (the monitor may not listen yet), then deletes it.
    private static async Task MarkAsync(TestNamespace ns, ConcurrentQueue<string> lines, string tag, CancellationToken token)
    {
        var name = $"{Marker}_{tag}";
        var seen = await Poll.UntilAsync(
            async () =>
            {
                token.ThrowIfCancellationRequested();
                await ns.ExecAsync("nft", "add", "table", "inet", name);
                await ns.ExecAsync("nft", "delete", "table", "inet", name);
                return lines.Any(l => l.Contains(name, StringComparison.Ordinal));
            },
            TimeSpan.FromSeconds(5));
        Assert.True(seen, $"nft monitor never printed the marker table {name}");
    }
}
