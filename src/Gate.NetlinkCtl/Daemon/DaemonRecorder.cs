using System.Globalization;
using System.Net;
using Gate.NetlinkCtl.Daemon.Metrics;
using Gate.NetlinkCtl.Health;
using Microsoft.Extensions.Logging;

namespace Gate.NetlinkCtl.Daemon;

/// <summary>
/// What the daemon has done, in one place: every reconcile, fast-path repair, error and state-file read is recorded
/// here once, and both the status file and the metrics file are written from it. The reconcile loop and the event
/// pump both record (the pump's errors and the fast path's repairs), so the counts that both read are thread-safe.
/// </summary>
internal sealed class DaemonRecorder(DaemonOptions options, StateInForce stateFile, ILogger logger) : IHealthSink
{
    private readonly ReconcileMetrics _metrics = new();
    // The health monitor's loops record and write files too, beside the reconcile loop.
    private readonly Lock _writing = new();
    private readonly Lock _healthLock = new();
    private readonly SortedDictionary<string, GateHealthStatus> _health = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private ReconcileRecord? _last;
    private ReconcileRecord? _lastRepair;
    private IReadOnlyList<HaRole> _ha = [];
    private DateTimeOffset? _lastSuccessAt;
    private DateTimeOffset? _nextRetryAt;
    private long _reconciles;
    private long _failures;
    private long _repairs;

    /// <summary>Reconciles failed in a row (0 after a success): the loop backs off while it is above 0.</summary>
    public int ConsecutiveFailures { get; private set; }

    /// <summary>Records what reading the state file gave (loaded anew, refused, or unchanged).</summary>
    public void RecordStateFile(StateFileRead read)
    {
        switch (read)
        {
            case StateFileRead.Loaded:
                _metrics.RecordStateFileValid(true);
                DaemonLog.StateLoaded(logger, stateFile.Path, stateFile.Current!.Gates.Count, stateFile.CurrentHash![..12]);
                break;
            case StateFileRead.Refused:
                _metrics.RecordStateFileValid(false);
                _metrics.RecordError(ErrorSources.StateFile);
                if (logger.IsEnabled(LogLevel.Error))
                {
                    DaemonLog.StateRefused(logger, stateFile.Path, string.Join(Environment.NewLine, stateFile.RejectedErrors));
                }

                break;
        }
    }

    /// <summary>Records which VRRP virtual addresses this host holds.</summary>
    public void RecordHa(IReadOnlyList<HaRole> roles)
    {
        _ha = roles;
        _metrics.RecordHa(roles);
    }

    /// <summary>Counts one failure of the kernel event subscription.</summary>
    public void RecordListenerError() => _metrics.RecordError(ErrorSources.EventListener);

    /// <summary>Records one finished full reconcile, logs it, and schedules the next retry after a failure.</summary>
    public void RecordPass(
        IReadOnlySet<ReconcileTrigger> triggers,
        DateTimeOffset startedAt,
        TimeSpan duration,
        IReadOnlyList<DriftRepair> repairs,
        IReadOnlyList<GateSync>? gates,
        string? error)
    {
        var result = error is not null ? ReconcileResults.Failed
            : repairs.Count > 0 ? ReconcileResults.Repaired
            : ReconcileResults.InSync;
        var finishedAt = startedAt + duration;
        _reconciles++;
        Interlocked.Add(ref _repairs, repairs.Count);
        var triggerNames = triggers.Order().Select(ReconcileDaemon.TriggerName).ToArray();
        var triggerList = string.Join(",", triggerNames);
        if (error is not null)
        {
            _failures++;
            ConsecutiveFailures++;
            var delay = options.Backoff.DelayAfter(ConsecutiveFailures);
            _nextRetryAt = finishedAt + delay;
            _metrics.RecordError(ErrorSources.Reconcile);
            DaemonLog.ReconcileFailed(logger, triggerList, error, ConsecutiveFailures, delay);
        }
        else
        {
            ConsecutiveFailures = 0;
            _nextRetryAt = null;
            _lastSuccessAt = finishedAt;
            foreach (var repair in repairs)
            {
                // At start the changes bring the host to the state; afterwards each one repairs drift.
                if (triggers.Contains(ReconcileTrigger.Start))
                {
                    DaemonLog.Applied(logger, repair.Gate, repair.Detail);
                }
                else
                {
                    DaemonLog.Repaired(logger, repair.Gate, repair.Kind, repair.Detail);
                }
            }

            DaemonLog.Reconciled(logger, triggerList, result, repairs.Count, duration.TotalMilliseconds);
        }

        _metrics.RecordReconcile(result, duration, finishedAt, repairs, gates, ConsecutiveFailures);
        _last = new ReconcileRecord(startedAt, duration.TotalSeconds, triggerNames, result, repairs, gates ?? _last?.Gates ?? [], error);
        if (repairs.Count > 0)
        {
            _lastRepair = _last;
        }
    }

    /// <summary>Records one repair the fast path made between full reconciles, and logs it.</summary>
    public void RecordFastRepair(FloodEntryRepair repair, DateTimeOffset startedAt, TimeSpan duration)
    {
        var drift = repair.ToDriftRepair();
        Interlocked.Increment(ref _repairs);
        _metrics.RecordRepair(drift);
        _lastRepair = new ReconcileRecord(startedAt, duration.TotalSeconds, [ReconcileDaemon.TriggerName(ReconcileTrigger.KernelEvent)],
            ReconcileResults.Repaired, [drift], _last?.Gates ?? [], null);
        DaemonLog.RepairedAtOnce(logger, repair.Gate, FloodEntryRepair.Kind, drift.Detail, duration.TotalMilliseconds);
    }

    /// <summary>Writes the metrics file (when the state asks for one), then the status file.</summary>
    public void WriteFiles()
    {
        using var held = _writing.EnterScope();
        // Metrics first: the status file is the last word (tests and people read it to know a pass is done).
        if (stateFile.Current!.Host.MetricsPath is { } metricsPath)
        {
            Write(metricsPath, () => _metrics.WriteTo(metricsPath));
        }

        Write(options.StatusPath, () => StatusFile.Write(options.StatusPath, Status()));
    }

    /// <inheritdoc />
    public void Restarted(IReadOnlyList<GateHealthPlan> plans)
    {
        using (_healthLock.EnterScope())
        {
            foreach (var stale in _health.Keys.Where(gate => !plans.Any(p => p.Gate == gate)).ToArray())
            {
                _health.Remove(stale);
            }

            _metrics.RecordHealth([.. _health.Values]);
        }

        // Once per (re)start of the monitor: the strings cost nothing worth guarding.
        foreach (var plan in plans)
        {
            var targets = string.Join(", ", plan.Targets);
            var interval = Seconds(plan.Interval);
            var timeout = Seconds(plan.Timeout);
            DaemonLog.ProbingStarted(logger, plan.Gate, plan.Targets.Count, targets, interval, timeout);
        }
    }

    /// <inheritdoc />
    public void Record(GateHealthStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        using (_healthLock.EnterScope())
        {
            _health[status.Gate] = status;
            _metrics.RecordHealth([.. _health.Values]);
        }

        WriteFiles();
    }

    /// <inheritdoc />
    public void Changed(string gate, TargetHealthTracker target, TargetState state, DateTimeOffset? previousChangeAt)
    {
        ArgumentNullException.ThrowIfNull(target);
        // Once per change of a target's state.
        var address = target.Target.ToString();
        if (state == TargetState.Down)
        {
            DaemonLog.TargetDown(logger, address, gate, TargetHealthTracker.DownAfter);
        }
        else
        {
            var downtime = previousChangeAt is { } since ? Seconds(target.LastProbeAt!.Value - since) : "a while";
            var milliseconds = target.LastRoundTrip!.Value.TotalMilliseconds;
            DaemonLog.TargetUp(logger, address, gate, milliseconds, downtime);
        }
    }

    /// <inheritdoc />
    public void Unavailable(string gate, IPAddress target, string problem)
    {
        ArgumentNullException.ThrowIfNull(target);
        var address = target.ToString();
        DaemonLog.ProbeUnavailable(logger, address, gate, problem);
    }

    /// <inheritdoc />
    public void Failed(string gate, string problem) => DaemonLog.ProbingFailed(logger, gate, problem);

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";

    private void Write(string path, Action write)
    {
        try
        {
            write();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            DaemonLog.WriteFailed(logger, path, ex.Message);
        }
    }

    private DaemonStatus Status() => new(
        Environment.ProcessId,
        stateFile.Path,
        options.Netns,
        _startedAt,
        DateTimeOffset.UtcNow,
        new StateFileStatus(stateFile.CurrentHash, stateFile.LoadedAt, [.. stateFile.Current!.Gates.Select(g => g.Name)], stateFile.RejectedErrors),
        _last,
        _lastRepair,
        _lastSuccessAt,
        ConsecutiveFailures,
        _nextRetryAt,
        new ReconcileTotals(_reconciles, _failures, Interlocked.Read(ref _repairs)))
    {
        Ha = _ha,
        Health = HealthSnapshot(),
    };

    private GateHealthStatus[] HealthSnapshot()
    {
        using var held = _healthLock.EnterScope();
        return [.. _health.Values];
    }
}
