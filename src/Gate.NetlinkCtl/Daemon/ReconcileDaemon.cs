using System.Diagnostics;
using System.Runtime.InteropServices;
using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gate.NetlinkCtl.Daemon;

/// <summary>
/// <c>gatectl run</c>: keeps the state file in force. It reconciles at start (before telling systemd it is
/// ready), on rtnetlink events that touch a gate (a burst of events is one reconcile), every
/// <c>host.reconcileInterval</c>, when the state file's content changes, and on SIGHUP. A failed reconcile
/// is retried with exponential backoff; nothing but SIGTERM/SIGINT ends the loop. A state file that
/// turns invalid is reported and the last good state stays in force. With a flood-entry writer, a flood entry of
/// gatectl's deleted from outside is appended again at once from its RTM_DELNEIGH (<see cref="FloodEntryRepair"/>),
/// before the debounced full reconcile that still follows.
/// <para>
/// This loop schedules passes (triggers, backoff, the bound on each pass); <see cref="KernelEventPump"/> reads the
/// kernel's events, <see cref="FastPathRepairer"/> repairs deleted flood entries at once, and
/// <see cref="DaemonRecorder"/> records what happened, for the status file and the metrics file alike.
/// </para>
/// </summary>
internal sealed class ReconcileDaemon : BackgroundService
{
    private readonly DaemonOptions _options;
    private readonly StateInForce _stateFile;
    private readonly IReconcilePass _pass;
    private readonly ILogger _logger;
    private readonly ReconcileRequests _triggers = new();
    private readonly DaemonRecorder _recorder;
    private readonly FastPathRepairer _fastPath;
    private readonly KernelEventPump? _events;
    private readonly Health.HealthMonitor _health;
    private readonly CancellationTokenSource _stopping = new();

    // A pass cancelled at its bound that did not end within the grace: no new pass starts until it has.
    private Task? _abandoned;
    private StateFileWatcher? _watcher;
    private PosixSignalRegistration? _sighup;
    private Task _pump = Task.CompletedTask;

    /// <summary>Creates the daemon from its parts.</summary>
    public ReconcileDaemon(
        DaemonOptions options,
        StateInForce stateFile,
        IReconcilePass pass,
        IKernelEventFeed? events,
        ILogger<ReconcileDaemon> logger,
        IFloodEntryWriter? floods = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _stateFile = stateFile;
        _pass = pass;
        _logger = logger;
        _recorder = new DaemonRecorder(options, stateFile, logger);
        _fastPath = new FastPathRepairer(floods, _recorder, logger);
        _health = new Health.HealthMonitor(options.Netns, _recorder);
        _events = options.ListenForEvents && events is not null
            ? new KernelEventPump(events, _triggers, _fastPath, _recorder, options.Backoff, logger)
            : null;
    }

    /// <summary>Loads the state (refusing to start without a valid one), subscribes, and runs the first reconcile.</summary>
    /// <exception cref="StateRejectedException">The state file is invalid at start.</exception>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _stateFile.Refresh();
        if (_stateFile.Current is null)
        {
            throw new StateRejectedException(_stateFile.Path, _stateFile.RejectedErrors);
        }

        var interval = DurationText.Format(_stateFile.Current.Host.ReconcileInterval);
        DaemonLog.Started(_logger, _stateFile.Path, _options.Netns ?? "(own)", _events is not null ? "on" : "off", interval);
        _watcher = new StateFileWatcher(_stateFile.Path, () => _triggers.Request(ReconcileTrigger.StateFileChanged));
        _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true; // SIGHUP means "reload", never "terminate".
            _triggers.Request(ReconcileTrigger.Reload);
        });
        if (_events is not null)
        {
            _pump = Task.Run(() => _events.RunAsync(_stopping.Token), CancellationToken.None);
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
        await _pump.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _health.DisposeAsync().ConfigureAwait(false);
        DaemonLog.Stopped(_logger);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _watcher?.Dispose();
        _sighup?.Dispose();
        _stopping.Dispose();
        _fastPath.Dispose();
        _health.DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_recorder.ConsecutiveFailures > 0 && !await IgnoreOwnEchoesAsync(stoppingToken).ConfigureAwait(false))
        {
            return; // the start reconcile failed: its echoes do not count either
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var retrying = _recorder.ConsecutiveFailures > 0;
            var wait = retrying
                ? _options.Backoff.DelayAfter(_recorder.ConsecutiveFailures)
                : _stateFile.Current!.Host.ReconcileInterval;
            IReadOnlySet<ReconcileTrigger> burst;
            try
            {
                burst = await _triggers.WaitBurstAsync(
                    wait,
                    retrying ? ReconcileTrigger.Retry : ReconcileTrigger.Periodic,
                    _options.Quiet,
                    _options.MaxBurst,
                    stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            await ReconcileAsync(burst).ConfigureAwait(false);
            if (_recorder.ConsecutiveFailures > 0 && !await IgnoreOwnEchoesAsync(stoppingToken).ConfigureAwait(false))
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
            await Task.Delay(_options.Quiet, stoppingToken).ConfigureAwait(false);
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
        var read = _stateFile.Refresh();
        _recorder.RecordStateFile(read);
        if (read != StateFileRead.Loaded && triggers.All(t => t == ReconcileTrigger.StateFileChanged))
        {
            // The file was touched but its content is the same (or refused): nothing new to apply.
            _recorder.WriteFiles();
            return;
        }

        if (read == StateFileRead.Loaded && !triggers.Contains(ReconcileTrigger.Start))
        {
            // New content is in force whatever woke this pass (a kernel event can run it before the watcher's own
            // trigger arrives): the record names the state change as a cause, so the repairs it brings are its own.
            triggers = new HashSet<ReconcileTrigger>(triggers) { ReconcileTrigger.StateFileChanged };
        }

        var state = _stateFile.Current!;
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        IReadOnlyList<DriftRepair> repairs = [];
        IReadOnlyList<GateSync>? gates = null;
        string? error = null;
        FloodRepairScope? floodScope = null;
        var probed = state;
        await _fastPath.BeginPassAsync().ConfigureAwait(false);
        try
        {
            var outcome = await RunBoundedAsync(state).ConfigureAwait(false);
            repairs = outcome.Repairs;
            gates = outcome.Gates;
            error = outcome.Error;
            floodScope = outcome.FloodRepairs;
            probed = outcome.Resolved ?? state;
            if (outcome.Ha is { } ha)
            {
                _recorder.RecordHa(ha);
            }

            foreach (var warning in outcome.Warnings)
            {
                DaemonLog.PassWarning(_logger, warning);
            }
        }
        catch (Exception ex)
        {
            // Every failure is transient to the daemon: report it, back off, try again.
            error = ex.Message;
        }
        finally
        {
            _fastPath.EndPass(floodScope, failed: error is not null);
        }

        clock.Stop();
        _recorder.RecordPass(triggers, startedAt, clock.Elapsed, repairs, gates, error);
        if (_events is not null)
        {
            await _events.WatchGatesAsync(state).ConfigureAwait(false);
        }

        _recorder.WriteFiles();

        // The probes follow the state in force, as the pass resolved it (a soracom: gate's targets come from the API):
        // started after the first reconcile made the gates, restarted when their targets or health blocks change. They
        // only send echoes and read counters, and never ask for a reconcile.
        await _health.FollowAsync(Health.GateHealthPlan.Of(probed, _options.ProbePace)).ConfigureAwait(false);

        // Reconciles come seconds or minutes apart and each one observes, plans and verifies the whole gate (10,000
        // endpoints make a few MiB of short-lived objects). Compact and return that to the kernel now, so the daemon's
        // resident memory between reconciles is what it holds, not the last reconcile's peak. Costs ~1 ms at 10,000.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    // One pass within its bound. Not cancelled by SIGTERM: a reconcile in flight finishes (or rolls back) before a stop
    // takes effect, so a stop never leaves a half-applied plan. Only its own bound cancels it, and the apply rolls back.
    private async Task<ReconcileOutcome> RunBoundedAsync(DesiredState state)
    {
        if (_abandoned is { IsCompleted: false })
        {
            throw new TimeoutException(
                $"the reconcile cancelled at its bound of {Span(_options.ReconcileTimeout)} has still not ended, so no new one starts; " +
                "a dependency (NetworkManager, D-Bus, a child process) does not respond: check it, or restart gatectl");
        }

        using var bound = new CancellationTokenSource(_options.ReconcileTimeout);
        var running = _pass.RunAsync(state, bound.Token);
        try
        {
            return await running.WaitAsync(_options.ReconcileTimeout + _options.CancelGrace).ConfigureAwait(false);
        }
        catch (Exception ex) when (bound.IsCancellationRequested && ex is OperationCanceledException or TimeoutException)
        {
            if (!running.IsCompleted)
            {
                _abandoned = running.ContinueWith(static t => t.Exception, TaskScheduler.Default);
            }

            throw new TimeoutException(
                $"the reconcile did not finish within its bound of {Span(_options.ReconcileTimeout)} and was cancelled" +
                (running.IsCompleted ? " (an apply in flight rolled back)" : $", and had not ended {Span(_options.CancelGrace)} later"), ex);
        }
    }

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
}
