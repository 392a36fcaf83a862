using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Gate.NetlinkCtl.Bench;

/// <summary>
/// One whole-process run of gatectl with <c>GATECTL_STAGE_TIMINGS=1</c>: the wall time of the process and of each
/// pipeline stage it printed (load, validate, observe, plan, apply, verify, ...).
/// </summary>
/// <param name="Label">What ran, e.g. "cold apply, 10,000, guard on".</param>
/// <param name="WholeMs">The whole process, exec to exit, as the bench times it.</param>
/// <param name="Stages">Each stage and its milliseconds, in the order gatectl printed them.</param>
public sealed partial record StageProfile(string Label, double WholeMs, IReadOnlyList<(string Stage, double Ms)> Stages)
{
    private const string MainStage = "main (all of the above and the rest)";

    /// <summary>Runs <paramref name="gatectl"/> once with the timings on and reads them.</summary>
    public static async Task<StageProfile> MeasureAsync(string label, string gatectl, IReadOnlyList<string> args)
    {
        var clock = Stopwatch.StartNew();
        var result = await Processes.RunWithAsync(new Dictionary<string, string?> { ["GATECTL_STAGE_TIMINGS"] = "1" }, gatectl, args);
        var whole = clock.Elapsed.TotalMilliseconds;
        var stages = StageLine().Matches(result.StandardError)
            .Select(m => (m.Groups[1].Value, double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))
            .ToList();
        return stages.Count > 0 ? new StageProfile(label, whole, stages)
            : throw new InvalidOperationException($"gatectl printed no stage timings: {result.StandardError}");
    }

    /// <summary>A Markdown table: one row per stage, one column per profile; the last row is what runs outside Main.</summary>
    public static string Table(IReadOnlyList<StageProfile> profiles)
    {
        var names = profiles.SelectMany(p => p.Stages.Select(s => s.Stage)).Where(s => s != MainStage).Distinct().ToList();
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"| stage | {string.Join(" | ", profiles.Select(p => p.Label))} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| --- |{string.Concat(profiles.Select(_ => " ---: |"))}");
        foreach (var name in names)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {string.Join(" | ", profiles.Select(p => Cell(p, name)))} |");
        }

        text.AppendLine(CultureInfo.InvariantCulture,
            $"| unaccounted inside Main (argument objects, result records, GC) | {string.Join(" | ", profiles.Select(p => Ms(p.Main - p.Stages.Where(s => s.Stage != MainStage).Sum(s => s.Ms))))} |");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| process start and exit (outside Main) | {string.Join(" | ", profiles.Select(p => Ms(p.WholeMs - p.Main)))} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| **whole process** | {string.Join(" | ", profiles.Select(p => "**" + Ms(p.WholeMs) + "**"))} |");
        return text.ToString();
    }

    private double Main => Stages.Where(s => s.Stage == MainStage).Sum(s => s.Ms);

    private static string Cell(StageProfile profile, string stage)
    {
        var hits = profile.Stages.Where(s => s.Stage == stage).ToList();
        return hits.Count == 0 ? "-" : Ms(hits.Sum(s => s.Ms));
    }

    private static string Ms(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms:0.0} ms");

    [GeneratedRegex(@"^gatectl: stage (.+) ([0-9.]+) ms$", RegexOptions.Multiline)]
    private static partial Regex StageLine();
}
