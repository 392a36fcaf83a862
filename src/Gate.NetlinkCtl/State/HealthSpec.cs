using System.Net;

namespace Gate.NetlinkCtl.State;

/// <summary>
/// A gate's continuous health probe (<c>health</c>): <c>gatectl run</c> sends one ICMP echo to each target through the
/// overlay every <see cref="Interval"/> and exports the results; it never changes the gate.
/// </summary>
/// <param name="Interval">Time between two probes of one target.</param>
/// <param name="Timeout">How long one probe waits for its reply; shorter than <paramref name="Interval"/>.</param>
/// <param name="Targets">The inner addresses to probe, or null for the gate's <c>probe</c> list and its peers' <c>inner</c>.</param>
internal sealed record HealthSpec(TimeSpan Interval, TimeSpan Timeout, EquatableList<IPAddress>? Targets)
{
    /// <summary>The default <c>interval</c>.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);

    /// <summary>The default <c>timeout</c>.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The shortest <c>interval</c> a state file may ask for (bounds the probe traffic).</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(5);

    /// <summary>The longest <c>interval</c>.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromHours(1);

    /// <summary>The shortest <c>timeout</c>.</summary>
    public static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The longest <c>timeout</c>.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The addresses the daemon probes for <paramref name="gate"/>: <see cref="Targets"/> when given, else the same ones <c>gatectl check</c> probes.</summary>
    public IReadOnlyList<IPAddress> TargetsOf(GateSpec gate)
    {
        ArgumentNullException.ThrowIfNull(gate);
        return Targets is { } listed ? listed : DefaultTargets(gate);
    }

    /// <summary>The peers' inner addresses, then the gate's <c>probe</c> list, without repeats (what <c>gatectl check</c> probes).</summary>
    public static IReadOnlyList<IPAddress> DefaultTargets(GateSpec gate)
    {
        ArgumentNullException.ThrowIfNull(gate);
        return [.. gate.Peers.Where(p => p.Inner is not null).Select(p => p.Inner!).Concat(gate.ProbeTargets).Distinct()];
    }
}
