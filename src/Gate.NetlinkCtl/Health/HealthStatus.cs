using Gate.NetlinkCtl.Netlink;

namespace Gate.NetlinkCtl.Health;

/// <summary>One gate's latest health, as the status file and the metrics show it.</summary>
/// <param name="Gate">The gate's name.</param>
/// <param name="Interface">Its VXLAN device.</param>
/// <param name="IntervalSeconds">Time between two probes of one target.</param>
/// <param name="Targets">Each target's latest result.</param>
/// <param name="Counters">The device's counters read after the latest probes, or null when the device was not found.</param>
internal sealed record GateHealthStatus(string Gate, string Interface, double IntervalSeconds, IReadOnlyList<ProbeTargetStatus> Targets, LinkCounters? Counters);

/// <summary>One target's latest result.</summary>
/// <param name="Target">The inner address probed.</param>
/// <param name="State">up, down, pending (no verdict yet) or unavailable (no ICMP socket).</param>
/// <param name="RttSeconds">The latest reply's round trip, or null before the first reply.</param>
/// <param name="LossRatio">The share of the latest probes without a reply (over <paramref name="WindowProbes"/>).</param>
/// <param name="WindowProbes">How many of the latest probes the loss ratio covers (at most <see cref="TargetHealthTracker.Window"/>).</param>
/// <param name="Sent">Echo requests sent since the monitor (re)started.</param>
/// <param name="Replies">Replies received since then.</param>
/// <param name="LastProbeAt">When the latest probe ended.</param>
/// <param name="ChangedAt">When the state last changed.</param>
/// <param name="Problem">Why no echo can be sent, while unavailable.</param>
internal sealed record ProbeTargetStatus(
    string Target,
    string State,
    double? RttSeconds,
    double LossRatio,
    int WindowProbes,
    long Sent,
    long Replies,
    DateTimeOffset? LastProbeAt,
    DateTimeOffset? ChangedAt,
    string? Problem);
