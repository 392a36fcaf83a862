namespace Gate.NetlinkCtl.Daemon;

/// <summary>How <c>gatectl run</c> was asked to run.</summary>
/// <param name="StatePath">The state file to keep in force.</param>
/// <param name="Netns">The network namespace to manage, or null for the daemon's own.</param>
/// <param name="StatusPath">Where the status file is written.</param>
/// <param name="ListenForEvents">False to rely on the periodic resync alone (no rtnetlink subscription).</param>
internal sealed record DaemonOptions(string StatePath, string? Netns, string StatusPath, bool ListenForEvents = true)
{
    /// <summary>
    /// A burst of requests ends when none has come for this long. The kernel announces one change's consequences
    /// (a device deleted takes its addresses, FDB entries and routes with it) within microseconds, so 20 ms still
    /// makes them one reconcile, while drift is repaired in tens of milliseconds rather than hundreds.
    /// </summary>
    public TimeSpan Quiet { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>A burst never delays its reconcile longer than this, even while requests keep coming.</summary>
    public TimeSpan MaxBurst { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest one full reconcile may take: then it is cancelled (an apply in flight rolls back), logged as failed and
    /// retried on the backoff. Every dependency has a shorter bound of its own (D-Bus 10 s, a child process 30 s); this one
    /// covers what they do not. Start-up (READY=1) waits for the first reconcile, so it stays well under systemd's
    /// default start timeout of 90 s.
    /// </summary>
    public TimeSpan ReconcileTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a cancelled reconcile may take to roll back before the daemon stops waiting for it.</summary>
    public TimeSpan CancelGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Delays between retries after failures.</summary>
    public Backoff Backoff { get; init; } = Backoff.Default;

    /// <summary>
    /// Every gate's probe interval and timeout instead of the state's <c>health</c> block; null (always, outside tests)
    /// keeps the state's. Tests need sub-second probes, which the state file's range (5s..1h) refuses on purpose.
    /// </summary>
    public Health.ProbePace? ProbePace { get; init; }
}
