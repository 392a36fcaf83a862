namespace Gate.NetlinkCtl.Daemon;

/// <summary>
/// Exponential backoff with a cap: the delay before the next try after <c>n</c> consecutive failures is
/// <c>Initial * 2^(n-1)</c>, never more than <see cref="Cap"/>.
/// </summary>
/// <param name="Initial">The delay after the first failure.</param>
/// <param name="Cap">The longest delay.</param>
internal sealed record Backoff(TimeSpan Initial, TimeSpan Cap)
{
    /// <summary>The daemon's default: 1 s, doubling, at most 5 minutes.</summary>
    public static Backoff Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

    /// <summary>The delay to wait after <paramref name="consecutiveFailures"/> failures in a row (zero when none).</summary>
    public TimeSpan DelayAfter(int consecutiveFailures)
    {
        if (consecutiveFailures <= 0)
        {
            return TimeSpan.Zero;
        }

        // 2^30 already exceeds any sane cap; stop doubling before the shift overflows.
        var factor = 1L << Math.Min(consecutiveFailures - 1, 30);
        var ticks = Initial.Ticks * factor;
        return ticks <= 0 || ticks > Cap.Ticks ? Cap : TimeSpan.FromTicks(ticks);
    }
}
