using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using Gate.NetlinkCtl.Daemon.Metrics;
using Gate.NetlinkCtl.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gate.NetlinkCtl.Daemon;

/// <summary>
/// <c>gatectl run</c>: keeps the state file in force. It reconciles at start (before telling systemd it is
/// ready), on rtnetlink events that touch a gate (a burst of events is one reconcile), every
/// <c>host.reconcileInterval</c>, when the state file's content changes, and on SIGHUP. A failed reconcile
/// is retried with exponential backoff; nothing but SIGTERM/SIGINT ends the loop. A state file that
/// turns invalid is reported and the last good state stays in force. With <paramref name="floods"/>, a flood entry of
/// gatectl's deleted from outside is appended again at once from its RTM_DELNEIGH (<see cref="FloodEntryRepair"/>),
/// before the debounced full reconcile that still follows.
/// </summary>
/// <param name="options">How the daemon was asked to run.</param>
/// <param name="stateFile">The state file and the state in force.</param>
/// <param name="pass">One full reconcile.</param>
/// <param name="events">The kernel's change notifications, or null for none.</param>
/// <param name="logger">Where the daemon logs.</param>
/// <param name="floods">The fast path's writer, or null to repair only by full reconciles.</param>
public sealed partial class ReconcileDaemon(
    DaemonOptions options,
    StateInForce stateFile,
    IReconcilePass pass,
    IKernelEventFeed? events,
    ILogger<ReconcileDaemon> logger,
    IFloodEntryWriter? floods = null) : BackgroundService
{
    // A fast-path append's own RTM_NEWNEIGH arrives within microseconds; one older than this is someone else's.
    private static readonly TimeSpan EchoWindow = TimeSpan.FromSeconds(1);

    // How long a fast-path repair waits for a full pass in flight; passes take milliseconds unless a dependency hangs.
    private static readonly TimeSpan FastPathWait = TimeSpan.FromSeconds(2);

    private readonly ReconcileRequests _triggers = new();
    private readonly ReconcileMetrics _metrics = new();
    private readonly GateEventFilter _filter = new();
    private readonly CancellationTokenSource _stopping = new();

    // Held by a full pass and by each fast-path repair: a repair never runs while a pass applies a (maybe new) state, and
    // it decides with the scope the latest pass left. Guards _floodScope.
    private readonly SemaphoreSlim _fastPath = new(1, 1);

    // The fast path's own appends whose RTM_NEWNEIGH is still to come (index, destination -> when); listener task only.
    private readonly Dictionary<(int Index, IPAddress Destination), long> _echoes = [];
    private FloodRepairScope? _floodScope;

    // A pass cancelled at its bound that did not end within the grace: no new pass starts until it has.
    private Task? _abandoned;
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private StateFileWatcher? _watcher;
    private PosixSignalRegistration? _sighup;
    private Task _listener = Task.CompletedTask;
    private ReconcileRecord? _last;
    private IReadOnlyList<HaRole> _ha = [];
    private ReconcileRecord? _lastRepair;
    private DateTimeOffset? _lastSuccessAt;
    private DateTimeOffset? _nextRetryAt;
    private int _consecutiveFailures;
    private long _reconciles;
    private long _failures;
    private long _repairs;

    /// <summary>Loads the state (refusing to start without a valid one), subscribes, and runs the first reconcile.</summary>
    /// <exception cref="StateRejectedException">The state file is invalid at start.</exception>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        stateFile.Refresh();
        if (stateFile.Current is null)
        {
            throw new StateRejectedException(stateFile.Path, stateFile.RejectedErrors);
        }

        var interval = DurationText.Format(stateFile.Current.Host.ReconcileInterval);
        LogStarted(stateFile.Path, options.Netns ?? "(own)", options.ListenForEvents && events is not null ? "on" : "off", interval);
        _watcher = new StateFileWatcher(stateFile.Path, () => _triggers.Request(ReconcileTrigger.StateFileChanged));
        _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true; // SIGHUP means "reload", never "terminate".
            _triggers.Request(ReconcileTrigger.Reload);
        });
        if (options.ListenForEvents && events is not null)
        {
            _listener = Task.Run(() => ListenAsync(events, _stopping.Token), CancellationToken.None);
        }

        // The first reconcile runs before StartAsync returns, so systemd's READY=1 means "applied once".
        await ReconcileAsync(new HashSet<ReconcileTrigger> { ReconcileTrigger.Start }).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await _listener.WaitAsync(cancellationToken).ConfigureAwait(false);
        LogStopped();
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _watcher?.Dispose();
        _sighup?.Dispose();
        _stopping.Dispose();
        _fastPath.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_consecutiveFailures > 0 && !await IgnoreOwnEchoesAsync(stoppingToken).ConfigureAwait(false))
        {
            return; // the start reconcile failed: its echoes do not count either
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var retrying = _consecutiveFailures > 0;
            var wait = retrying
                ? options.Backoff.DelayAfter(_consecutiveFailures)
                : stateFile.Current!.Host.ReconcileInterval;
            IReadOnlySet<ReconcileTrigger> burst;
            try
            {
                burst = await _triggers.WaitBurstAsync(
                    wait,
                    retrying ? ReconcileTrigger.Retry : ReconcileTrigger.Periodic,
                    options.Quiet,
                    options.MaxBurst,
                    stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            await ReconcileAsync(burst).ConfigureAwait(false);
            if (_consecutiveFailures > 0 && !await IgnoreOwnEchoesAsync(stoppingToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    // A failed apply writes and then restores the host, and rtnetlink reports both back as events on the gate.
    // Taken as new drift they would start the next attempt at once, bypassing the backoff: a failure that persists
    // would spin through apply and restore several times a second. So once the echoes have arrived they are
    // dropped; a real change in that moment is still caught by the retry the backoff schedules.
    private async Task<bool> IgnoreOwnEchoesAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(options.Quiet, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }

        _triggers.DropPending(ReconcileTrigger.KernelEvent);
        return true;
    }

    private async Task ReconcileAsync(IReadOnlySet<ReconcileTrigger> triggers)
    {
        var read = RefreshState();
        if (read != StateFileRead.Loaded && triggers.All(t => t == ReconcileTrigger.StateFileChanged))
        {
            // The file was touched but its content is the same (or refused): nothing new to apply.
            WriteObservability();
            return;
        }

        var state = stateFile.Current!;
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        IReadOnlyList<DriftRepair> repairs = [];
        IReadOnlyList<GateSync>? gates = null;
        string? error = null;
        FloodRepairScope? floodScope = null;
        await _fastPath.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_abandoned is { IsCompleted: false })
            {
                throw new TimeoutException(
                    $"the reconcile cancelled at its bound of {Span(options.ReconcileTimeout)} has still not ended, so no new one starts; " +
                    "a dependency (NetworkManager, D-Bus, a child process) does not respond: check it, or restart gatectl");
            }

            // Not cancelled by SIGTERM: a reconcile in flight finishes (or rolls back) before a stop takes effect, so a
            // stop never leaves a half-applied plan. Only its own bound cancels it, and the apply rolls back then.
            using var bound = new CancellationTokenSource(options.ReconcileTimeout);
            var running = pass.RunAsync(state, bound.Token);
            ReconcileOutcome outcome;
            try
            {
                outcome = await running.WaitAsync(options.ReconcileTimeout + options.CancelGrace).ConfigureAwait(false);
            }
            catch (Exception ex) when (bound.IsCancellationRequested && ex is OperationCanceledException or TimeoutException)
            {
                if (!running.IsCompleted)
                {
                    _abandoned = running.ContinueWith(static t => t.Exception, TaskScheduler.Default);
                }

                throw new TimeoutException(
                    $"the reconcile did not finish within its bound of {Span(options.ReconcileTimeout)} and was cancelled" +
                    (running.IsCompleted ? " (an apply in flight rolled back)" : $", and had not ended {Span(options.CancelGrace)} later"), ex);
            }

            repairs = outcome.Repairs;
            gates = outcome.Gates;
            error = outcome.Error;
            floodScope = outcome.FloodRepairs;
            if (outcome.Ha is { } ha)
            {
                _ha = ha;
                _metrics.RecordHa(ha);
            }
            foreach (var warning in outcome.Warnings)
            {
                LogPassWarning(warning);
            }
        }
        catch (Exception ex)
        {
            // Every failure is transient to the daemon: report it, back off, try again.
            error = ex.Message;
        }
        finally
        {
            // Only a pass that ended in sync vouches for what the fast path may do until the next one.
            _floodScope = floods is null || error is not null ? null : floodScope;
            _fastPath.Release();
        }

        clock.Stop();
        var result = error is not null ? ReconcileResults.Failed
            : repairs.Count > 0 ? ReconcileResults.Repaired
            : ReconcileResults.InSync;
        Record(triggers, startedAt, clock.Elapsed, result, repairs, gates, error);
        await WatchGatesAsync(state).ConfigureAwait(false);
        WriteObservability();

        // Reconciles come seconds or minutes apart and each one observes, plans and verifies the whole gate (10,000
        // endpoints make a few MiB of short-lived objects). Compact and return that to the kernel now, so the daemon's
        // resident memory between reconciles is what it holds, not the last reconcile's peak. Costs ~1 ms at 10,000.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private StateFileRead RefreshState()
    {
        var read = stateFile.Refresh();
        switch (read)
        {
            case StateFileRead.Loaded:
                _metrics.RecordStateFileValid(true);
                LogStateLoaded(stateFile.Path, stateFile.Current!.Gates.Count, stateFile.CurrentHash![..12]);
                break;
            case StateFileRead.Refused:
                _metrics.RecordStateFileValid(false);
                _metrics.RecordError(ErrorSources.StateFile);
                if (logger.IsEnabled(LogLevel.Error))
                {
                    LogStateRefused(stateFile.Path, string.Join(Environment.NewLine, stateFile.RejectedErrors));
                }

                break;
        }

        return read;
    }

    private void Record(
        IReadOnlySet<ReconcileTrigger> triggers,
        DateTimeOffset startedAt,
        TimeSpan duration,
        string result,
        IReadOnlyList<DriftRepair> repairs,
        IReadOnlyList<GateSync>? gates,
        string? error)
    {
        var finishedAt = startedAt + duration;
        _reconciles++;
        Interlocked.Add(ref _repairs, repairs.Count);
        var triggerNames = triggers.Order().Select(TriggerName).ToArray();
        var triggerList = string.Join(",", triggerNames);
        if (result == ReconcileResults.Failed)
        {
            _failures++;
            _consecutiveFailures++;
            var delay = options.Backoff.DelayAfter(_consecutiveFailures);
            _nextRetryAt = finishedAt + delay;
            _metrics.RecordError(ErrorSources.Reconcile);
            LogReconcileFailed(triggerList, error!, _consecutiveFailures, delay);
        }
        else
        {
            _consecutiveFailures = 0;
            _nextRetryAt = null;
            _lastSuccessAt = finishedAt;
            foreach (var repair in repairs)
            {
                // At start the changes bring the host to the state; afterwards each one repairs drift.
                if (triggers.Contains(ReconcileTrigger.Start))
                {
                    LogApplied(repair.Gate, repair.Detail);
                }
                else
                {
                    LogRepaired(repair.Gate, repair.Kind, repair.Detail);
                }
            }

            LogReconciled(triggerList, result, repairs.Count, duration.TotalMilliseconds);
        }

        _metrics.RecordReconcile(result, duration, finishedAt, repairs, gates, _consecutiveFailures);
        _last = new ReconcileRecord(startedAt, duration.TotalSeconds, triggerNames, result, repairs, gates ?? _last?.Gates ?? [], error);
        if (repairs.Count > 0)
        {
            _lastRepair = _last;
        }
    }

    private async Task WatchGatesAsync(DesiredState state)
    {
        if (events is null || !options.ListenForEvents)
        {
            return;
        }

        var present = state.Gates.Where(g => g.State == GatePresence.Present).ToArray();
        IReadOnlyDictionary<string, int> indexes;
        try
        {
            indexes = await events.ListInterfacesAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Without indexes, FDB/address events go unmatched until a link event names the device;
            // the periodic resync still covers them.
            LogListingFailed(ex.Message);
            indexes = new Dictionary<string, int>();
        }

        _filter.Watch(present.Select(g => g.Interface), present.Select(g => g.Underlay), indexes);
    }

    private async Task ListenAsync(IKernelEventFeed feed, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in feed.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    failures = 0;
                    if (IsOwnEcho(change))
                    {
                        // The fast path's own append announced back: the deletion before it asked for the reconcile already.
                        continue;
                    }

                    // The fast path first, then the reconcile request: asked first, the reconcile's 20 ms quiet window
                    // could run out before the listener reaches the repair (a loaded host), and the pass would take the
                    // repair's place instead of following it.
                    if (floods is not null)
                    {
                        await RepairAtOnceAsync(change, floods, cancellationToken).ConfigureAwait(false);
                    }

                    if (_filter.Touches(change))
                    {
                        _triggers.Request(ReconcileTrigger.KernelEvent);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                _metrics.RecordError(ErrorSources.EventListener);
                LogListenerFailed(ex.Message, options.Backoff.DelayAfter(failures));
            }

            // The subscription ended or broke: events may have been lost, so reconcile in full, then resubscribe.
            // Repeated failures ask for nothing more: the first one's reconcile (and its retries) cover them.
            if (failures <= 1)
            {
                _triggers.Request(ReconcileTrigger.EventsLost);
            }

            try
            {
                await Task.Delay(options.Backoff.DelayAfter(Math.Max(failures, 1)), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The fast path: a deleted flood entry the state in force wants is appended again now, one request. It waits while a
    /// full pass runs, then decides with the scope that pass left, so it never fights a state being applied.
    /// </summary>
    private async Task RepairAtOnceAsync(KernelChange change, IFloodEntryWriter writer, CancellationToken cancellationToken)
    {
        // Without waiting: most events (other gates' objects, additions, foreign entries) concern no repair at all.
        var seen = Volatile.Read(ref _floodScope);
        var linkLeavesScope = seen is not null && !ReferenceEquals(seen.After(change), seen);
        if (!linkLeavesScope && FloodEntryRepair.Decide(change, seen) is null)
        {
            return;
        }

        // Not for ever: a full pass stuck on a dependency must not stop the listener (its own event has asked for the
        // reconcile that repairs this entry anyway).
        if (!await _fastPath.WaitAsync(FastPathWait, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            _floodScope = _floodScope?.After(change);
            if (FloodEntryRepair.Decide(change, _floodScope) is not { } repair)
            {
                return;
            }

            var startedAt = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            bool appended;
            try
            {
                appended = writer.Append(repair.InterfaceIndex, repair.Destination);
            }
            catch (Exception ex)
            {
                // The device went away, or the kernel refused: the full reconcile requested with this event deals with it.
                LogFastRepairFailed(repair.Gate, repair.Describe(), ex.Message);
                return;
            }

            clock.Stop();
            if (!appended)
            {
                return;
            }

            if (_echoes.Count > 256)
            {
                _echoes.Clear();
            }

            _echoes[(repair.InterfaceIndex, repair.Destination)] = Stopwatch.GetTimestamp();
            var drift = repair.ToDriftRepair();
            Interlocked.Increment(ref _repairs);
            _metrics.RecordRepair(drift);
            _lastRepair = new ReconcileRecord(startedAt, clock.Elapsed.TotalSeconds, [TriggerName(ReconcileTrigger.KernelEvent)],
                ReconcileResults.Repaired, [drift], _last?.Gates ?? [], null);
            LogRepairedAtOnce(repair.Gate, FloodEntryRepair.Kind, drift.Detail, clock.Elapsed.TotalMilliseconds);
        }
        finally
        {
            _fastPath.Release();
        }
    }

    private bool IsOwnEcho(KernelChange change) =>
        change is { Kind: KernelChangeKind.Neighbour, Removed: false, Fdb.Destination: { } destination }
        && _echoes.Remove((change.InterfaceIndex, destination), out var at)
        && Stopwatch.GetElapsedTime(at) < EchoWindow;

    private void WriteObservability()
    {
        // Metrics first: the status file is the last word (tests and people read it to know a pass is done).
        if (stateFile.Current!.Host.MetricsPath is { } metricsPath)
        {
            try
            {
                _metrics.WriteTo(metricsPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogWriteFailed(metricsPath, ex.Message);
            }
        }

        try
        {
            StatusFile.Write(options.StatusPath, BuildStatus());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(options.StatusPath, ex.Message);
        }
    }

    private DaemonStatus BuildStatus() => new(
        Environment.ProcessId,
        stateFile.Path,
        options.Netns,
        _startedAt,
        DateTimeOffset.UtcNow,
        new StateFileStatus(stateFile.CurrentHash, stateFile.LoadedAt, [.. stateFile.Current!.Gates.Select(g => g.Name)], stateFile.RejectedErrors),
        _last,
        _lastRepair,
        _lastSuccessAt,
        _consecutiveFailures,
        _nextRetryAt,
        new ReconcileTotals(_reconciles, _failures, Interlocked.Read(ref _repairs)))
    {
        Ha = _ha,
    };

    private static string Span(TimeSpan value) =>
        value < TimeSpan.FromSeconds(1) ? $"{(long)value.TotalMilliseconds}ms" : DurationText.Format(value);

    /// <summary>The trigger's name as written in the status file and logs (kebab case).</summary>
    public static string TriggerName(ReconcileTrigger trigger) => trigger switch
    {
        ReconcileTrigger.Start => "start",
        ReconcileTrigger.KernelEvent => "kernel-event",
        ReconcileTrigger.Periodic => "periodic",
        ReconcileTrigger.Retry => "retry",
        ReconcileTrigger.StateFileChanged => "state-file-changed",
        ReconcileTrigger.Reload => "reload",
        ReconcileTrigger.EventsLost => "events-lost",
        _ => trigger.ToString(),
    };

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "gatectl daemon started: state {Path}, namespace {Netns}, rtnetlink events {Events}, full resync every {Interval}")]
    private partial void LogStarted(string path, string netns, string events, string interval);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "gatectl daemon stopped")]
    private partial void LogStopped();

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "State file {Path} loaded: {Gates} gate(s), sha256 {Hash}")]
    private partial void LogStateLoaded(string path, int gates, string hash);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "State file {Path} refused; the last good state stays in force. Fix the file and save it again:\n{Errors}")]
    private partial void LogStateRefused(string path, string errors);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Reconciled ({Triggers}): {Result}, {Repairs} repair(s), {Milliseconds:F1} ms")]
    private partial void LogReconciled(string triggers, string result, int repairs, double milliseconds);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Repaired drift on gate {Gate}: {Kind}: {Detail}")]
    private partial void LogRepaired(string gate, string kind, string detail);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Applied on gate {Gate}: {Detail}")]
    private partial void LogApplied(string gate, string detail);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "Reconcile ({Triggers}) failed: {Error}. Failure {Failures} in a row; retrying in {Delay}")]
    private partial void LogReconcileFailed(string triggers, string error, int failures, TimeSpan delay);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "rtnetlink event listener failed: {Error}; resubscribing in {Delay}, with a full reconcile")]
    private partial void LogListenerFailed(string error, TimeSpan delay);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Could not list interfaces to match rtnetlink events to gates: {Error}")]
    private partial void LogListingFailed(string error);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Could not write {Path}: {Error}")]
    private partial void LogWriteFailed(string path, string error);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "{Warning}")]
    private partial void LogPassWarning(string warning);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Repaired drift on gate {Gate} at once from a kernel event (fast path): {Kind}: {Detail}, {Milliseconds:F2} ms; a full reconcile follows")]
    private partial void LogRepairedAtOnce(string gate, string kind, string detail, double milliseconds);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "Fast-path repair on gate {Gate} failed ({Detail}): {Error}; the full reconcile that follows takes over")]
    private partial void LogFastRepairFailed(string gate, string detail, string error);
}
