using System.Net;

namespace Gate.NetlinkCtl.Health;

/// <summary>How one target answered a round of echo requests.</summary>
/// <param name="Target">The inner address probed.</param>
/// <param name="Sent">Requests sent.</param>
/// <param name="RoundTrips">The round trip of every reply, in order.</param>
internal sealed record ProbeResult(IPAddress Target, int Sent, IReadOnlyList<TimeSpan> RoundTrips)
{
    /// <summary>Replies received.</summary>
    public int Received => RoundTrips.Count;

    /// <summary>True when at least one reply came.</summary>
    public bool Up => Received > 0;

    /// <summary>The share of requests without a reply, 0..1.</summary>
    public double LossRatio => Sent == 0 ? 0 : (double)(Sent - Received) / Sent;

    /// <summary>The mean round trip, or null without replies.</summary>
    public TimeSpan? AverageRoundTrip => Received == 0 ? null : TimeSpan.FromTicks((long)RoundTrips.Average(r => r.Ticks));

    /// <summary>The last reply's round trip, or null without replies.</summary>
    public TimeSpan? LastRoundTrip => Received == 0 ? null : RoundTrips[^1];

    /// <summary>"5/5 replies, rtt min/avg/max 0.21/0.30/0.52 ms, loss 0%".</summary>
    public override string ToString() => Received == 0
        ? $"0/{Sent} replies, loss 100%"
        : $"{Received}/{Sent} replies, rtt min/avg/max {Ms(RoundTrips.Min())}/{Ms(AverageRoundTrip!.Value)}/{Ms(RoundTrips.Max())} ms, loss {LossRatio * 100:0.#}%";

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>How many echo requests a round sends, how far apart, and how long each waits for its reply.</summary>
/// <param name="Count">Requests per target.</param>
/// <param name="Interval">Pause between a reply (or timeout) and the next request.</param>
/// <param name="Timeout">How long one request waits.</param>
internal sealed record ProbeSettings(int Count, TimeSpan Interval, TimeSpan Timeout)
{
    /// <summary><c>gatectl check</c>'s round: 5 requests, 0.2 s apart, 1 s each at most (so at most 6 s a target, targets in parallel).</summary>
    public static ProbeSettings Check { get; } = new(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1));
}
