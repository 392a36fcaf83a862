using System.Globalization;
using System.Text;

namespace Gate.NetlinkCtl.Bench;

/// <summary>One line of the results: what gatectl did, what the baseline did in the same run, and the target.</summary>
/// <param name="Scenario">What is measured.</param>
/// <param name="Gatectl">gatectl's figure.</param>
/// <param name="Baseline">The baseline and its figure, or "-" when the scenario has none.</param>
/// <param name="Ratio">gatectl over baseline (time, throughput or memory), or "-".</param>
/// <param name="Target">The goal for this line, or "" when it has none.</param>
/// <param name="Met">Whether the target was met; null when there is no target.</param>
public sealed record Finding(string Scenario, string Gatectl, string Baseline, string Ratio, string Target, bool? Met);

/// <summary>Formats figures and the results table.</summary>
public static class Report
{
    /// <summary>Milliseconds, with a precision that suits the size.</summary>
    public static string Ms(double ms) => ms >= 1000
        ? string.Create(CultureInfo.InvariantCulture, $"{ms / 1000:0.00} s")
        : string.Create(CultureInfo.InvariantCulture, $"{ms:0.0} ms");

    /// <summary>A ratio such as 0.42x.</summary>
    public static string Ratio(double ratio) => string.Create(CultureInfo.InvariantCulture, $"{ratio:0.00}x");

    /// <summary>KiB as MiB.</summary>
    public static string Mib(long kib) => string.Create(CultureInfo.InvariantCulture, $"{kib / 1024.0:0.0} MiB");

    /// <summary>A count with thousands separators.</summary>
    public static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The Markdown table of findings.</summary>
    public static string Table(IEnumerable<Finding> findings)
    {
        var text = new StringBuilder()
            .AppendLine("| scenario | gatectl | baseline (same run) | gatectl / baseline | target | met |")
            .AppendLine("| --- | ---: | --- | ---: | --- | --- |");
        foreach (var f in findings)
        {
            var met = f.Met switch { true => "yes", false => "**no**", null => "" };
            text.AppendLine(CultureInfo.InvariantCulture, $"| {f.Scenario} | {f.Gatectl} | {f.Baseline} | {f.Ratio} | {f.Target} | {met} |");
        }

        return text.ToString();
    }
}
