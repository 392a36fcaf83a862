using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Gate.NetlinkCtl.Bench;

/// <summary>Runs scenarios (baseline and subject interleaved, so drift hits both alike) and prints a table of medians.</summary>
public static class BenchRunner
{
    /// <summary>Runs one scenario <paramref name="repetitions"/> times per contender and returns the medians.</summary>
    public static async Task<ScenarioResult> RunAsync(Scenario scenario, int repetitions)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        await scenario.Setup();
        try
        {
            var baseline = new List<TimeSpan>();
            var subject = new List<TimeSpan>();
            for (var i = 0; i < repetitions; i++)
            {
                baseline.Add(await TimeAsync(scenario.Baseline));
                subject.Add(await TimeAsync(scenario.Subject));
            }

            return new ScenarioResult(scenario, Median(baseline), Median(subject), repetitions);
        }
        finally
        {
            await scenario.Teardown();
        }
    }

    /// <summary>A Markdown table: scenario, baseline, subject, their medians and the ratio.</summary>
    public static string Table(IEnumerable<ScenarioResult> results)
    {
        var text = new StringBuilder()
            .AppendLine("| scenario | baseline | median | gatectl | median | ratio |")
            .AppendLine("| --- | --- | ---: | --- | ---: | ---: |");
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Scenario.Name} | {r.Scenario.Baseline.Label} | {Ms(r.Baseline)} | {r.Scenario.Subject.Label} | {Ms(r.Subject)} | {r.Ratio:0.0}x |");
        }

        return text.ToString();
    }

    private static async Task<TimeSpan> TimeAsync(Contender contender)
    {
        await contender.BeforeEach();
        var clock = Stopwatch.StartNew();
        await contender.Run();
        return clock.Elapsed;
    }

    private static TimeSpan Median(List<TimeSpan> times)
    {
        var sorted = times.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static string Ms(TimeSpan time) => string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds:0.0} ms");
}
