using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Gate.NetlinkCtl.Reconcile;

/// <summary>
/// Wall time per pipeline stage (load, validate, observe, plan, apply, verify, ...), for profiling a whole process:
/// <c>GATECTL_STAGE_TIMINGS=1 gatectl apply FILE</c> prints them to stderr when the command ends. Off unless the
/// variable is 1; then a stage costs one branch.
/// </summary>
internal static class StageTimings
{
    /// <summary>The environment variable that turns the timings on.</summary>
    public const string Variable = "GATECTL_STAGE_TIMINGS";

    private static readonly ConcurrentQueue<(string Stage, double Ms)> Recorded = new();

    /// <summary>Whether stages are timed in this process.</summary>
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable(Variable) == "1";

    /// <summary>Starts timing <paramref name="stage"/>; disposing the result records it.</summary>
    public static Stage Start(string stage) => new(stage, Enabled ? Stopwatch.GetTimestamp() : 0);

    /// <summary>Records a stage measured elsewhere (no-op when off).</summary>
    public static void Record(string stage, TimeSpan time)
    {
        if (Enabled)
        {
            Recorded.Enqueue((stage, time.TotalMilliseconds));
        }
    }

    /// <summary>Every recorded stage, in order, as <c>gatectl: stage NAME MS ms</c> lines; a stage recorded twice is summed.</summary>
    public static string Format()
    {
        var order = new List<string>();
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (stage, ms) in Recorded)
        {
            if (!sums.TryGetValue(stage, out var sum))
            {
                order.Add(stage);
            }

            sums[stage] = sum + ms;
        }

        var text = new StringBuilder();
        foreach (var stage in order)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"gatectl: stage {stage} {sums[stage]:0.0} ms");
        }

        return text.ToString();
    }

    /// <summary>One stage being timed.</summary>
    public readonly struct Stage(string name, long started) : IDisposable
    {
        /// <summary>Records the stage's time since it started.</summary>
        public void Dispose()
        {
            if (Enabled)
            {
                Recorded.Enqueue((name, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
            }
        }
    }
}
