using System.Globalization;

namespace Gate.NetlinkCtl.TestSupport;

/// <summary>
/// How many inputs a fuzz property tries: a small, fixed number in every test run, or
/// <c>GATECTL_FUZZ_ITERATIONS</c> when set (<c>bench/fuzz.sh</c> sets it for the long run).
/// </summary>
public static class FuzzBudget
{
    /// <summary>The variable that overrides every property's count.</summary>
    public const string Variable = "GATECTL_FUZZ_ITERATIONS";

    /// <summary>True when the long run asked for more than the default counts.</summary>
    public static bool IsLongRun => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 };

    /// <summary>The count to run: the variable's value when set, else <paramref name="inTestRun"/>.</summary>
    public static long Iterations(long inTestRun) =>
        long.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.None, CultureInfo.InvariantCulture, out var asked) && asked > 0
            ? asked
            : inTestRun;

    /// <summary>Threads to sample on: one in a test run (the suite is already parallel), every core in the long run.</summary>
    public static int Threads => IsLongRun ? -1 : 1;
}
