using System.Net;
using Gate.NetlinkCtl.Netlink;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Health;

/// <summary>
/// The daemon's continuous probe of the data path: per gate with a <c>health</c> block, one ICMP echo to each target
/// every interval (targets in parallel, each on its own socket kept open), then the gate device's counters from the
/// link dump. It only sends echoes and reads; it never changes the gate and never asks for a reconcile. Results go to an
/// <see cref="IHealthSink"/> after every round.
/// </summary>
internal sealed class HealthMonitor : IAsyncDisposable
{
    private readonly string? _netns;
    private readonly IHealthSink _sink;
    private readonly Lock _lock = new();
    private EquatableList<GateHealthPlan> _plans = EquatableList<GateHealthPlan>.Empty;
    private CancellationTokenSource _stop = new();
    private Task[] _loops = [];

    /// <summary>Creates a monitor for the gates in <paramref name="netns"/> (null: this process's namespace).</summary>
    public HealthMonitor(string? netns, IHealthSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _netns = netns;
        _sink = sink;
    }

    /// <summary>The plans being probed now.</summary>
    public EquatableList<GateHealthPlan> Plans
    {
        get
        {
            lock (_lock)
            {
                return _plans;
            }
        }
    }

    /// <summary>
    /// Probes <paramref name="plans"/> from now on. The same plans as now change nothing (the targets' history goes on);
    /// different ones stop every loop and start afresh, so a changed state file restarts the targets.
    /// </summary>
    public async Task FollowAsync(EquatableList<GateHealthPlan> plans)
    {
        ArgumentNullException.ThrowIfNull(plans);
        Task[] stopping;
        CancellationTokenSource stop;
        lock (_lock)
        {
            if (plans.Equals(_plans))
            {
                return;
            }

            stop = _stop;
            stopping = _loops;
            _plans = plans;
        }

        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(stopping).ConfigureAwait(false);
        stop.Dispose();
        lock (_lock)
        {
            _stop = new CancellationTokenSource();
            var token = _stop.Token;
            _sink.Restarted(plans);
            _loops = [.. plans.Select(plan => Task.Run(() => ProbeGateAsync(plan, token), CancellationToken.None))];
        }
    }

    /// <summary>Stops every loop.</summary>
    public async ValueTask DisposeAsync()
    {
        await FollowAsync(EquatableList<GateHealthPlan>.Empty).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task ProbeGateAsync(GateHealthPlan plan, CancellationToken stop)
    {
        var trackers = plan.Targets.Select(t => new TargetHealthTracker(t)).ToArray();
        var sockets = new IcmpEchoSocket?[trackers.Length];
        ushort sequence = 0;
        // A fixed cadence: one echo per target per interval, however long the replies take (the timeout is shorter).
        using var ticks = new PeriodicTimer(plan.Interval);
        try
        {
            do
            {
                sequence++;
                await Task.WhenAll(trackers.Select((tracker, i) => ProbeTargetAsync(plan, tracker, sockets, i, sequence, stop))).ConfigureAwait(false);
                var status = new GateHealthStatus(plan.Gate, plan.Interface, plan.Interval.TotalSeconds, [.. trackers.Select(t => t.Snapshot())], ReadCounters(plan.Interface));
                _sink.Record(status);
            }
            while (await ticks.WaitForNextTickAsync(stop).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped or restarted.
        }
        catch (Exception ex)
        {
            // Never expected; the monitor must not take the daemon down with it. Reported, and this gate's probing ends.
            _sink.Failed(plan.Gate, ex.Message);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket?.Dispose();
            }
        }
    }

    private async Task ProbeTargetAsync(GateHealthPlan plan, TargetHealthTracker tracker, IcmpEchoSocket?[] sockets, int index, ushort sequence, CancellationToken stop)
    {
        try
        {
            sockets[index] ??= IcmpEchoSocket.Open(_netns);
        }
        catch (ProbeUnavailableException ex)
        {
            if (tracker.RecordUnavailable(ex.Message, DateTimeOffset.UtcNow))
            {
                _sink.Unavailable(plan.Gate, tracker.Target, ex.Message);
            }

            return;
        }

        TimeSpan? roundTrip;
        try
        {
            roundTrip = await sockets[index]!.EchoAsync(tracker.Target, sequence, plan.Timeout, stop).ConfigureAwait(false);
        }
        catch (ProbeUnavailableException ex)
        {
            // This host refused the request itself (the unit's IP address filter, a firewall): not a lost echo, no "down".
            // The socket is fine; the next round tries again.
            if (tracker.RecordUnavailable(ex.Message, DateTimeOffset.UtcNow))
            {
                _sink.Unavailable(plan.Gate, tracker.Target, ex.Message);
            }

            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever broke the socket, this probe got no reply; the next round opens a new one.
            sockets[index]!.Dispose();
            sockets[index] = null;
            roundTrip = null;
        }

        var previousChangeAt = tracker.ChangedAt;
        if (tracker.Record(roundTrip, DateTimeOffset.UtcNow) is { } changed)
        {
            _sink.Changed(plan.Gate, tracker, changed, previousChangeAt);
        }
    }

    private LinkCounters? ReadCounters(string device)
    {
        try
        {
            using var rtnl = RtnlClient.Open(_netns);
            return rtnl.GetLink(device) is { } link ? rtnl.GetLinkCounters(link.Index) : null;
        }
        catch (Exception ex) when (ex is NetlinkException or IOException or UnauthorizedAccessException)
        {
            // The counters are extra; the probe results stand without them.
            return null;
        }
    }
}

/// <summary>What one gate's health probe sends to, and how fast.</summary>
/// <param name="Gate">The gate's name.</param>
/// <param name="Interface">Its VXLAN device (whose counters are read).</param>
/// <param name="Targets">The inner addresses probed.</param>
/// <param name="Interval">Time between two probes of one target.</param>
/// <param name="Timeout">How long one probe waits for its reply.</param>
internal sealed record GateHealthPlan(string Gate, string Interface, EquatableList<IPAddress> Targets, TimeSpan Interval, TimeSpan Timeout)
{
    /// <summary>The plans of <paramref name="state"/>: every present gate with a <c>health</c> block and a target, at its own pace or at <paramref name="pace"/>.</summary>
    public static EquatableList<GateHealthPlan> Of(DesiredState state, ProbePace? pace)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Gates
            .Where(g => g.State == GatePresence.Present && g.Health is not null)
            .Select(g => new GateHealthPlan(g.Name, g.Interface, g.Health!.TargetsOf(g).ToEquatableList(), pace?.Interval ?? g.Health.Interval, pace?.Timeout ?? g.Health.Timeout))
            .Where(p => p.Targets.Count > 0)
            .ToEquatableList();
    }
}

/// <summary>
/// An interval and timeout for every gate's probes instead of the state's. Only for tests, which need sub-second probes
/// that a state file's range (interval 5s..1h) refuses; no command line option sets it.
/// </summary>
/// <param name="Interval">Time between two probes of one target.</param>
/// <param name="Timeout">How long one probe waits for its reply.</param>
internal sealed record ProbePace(TimeSpan Interval, TimeSpan Timeout);

/// <summary>Where <see cref="HealthMonitor"/> reports.</summary>
internal interface IHealthSink
{
    /// <summary>The monitor (re)started with <paramref name="plans"/>: results of gates not among them are stale.</summary>
    void Restarted(IReadOnlyList<GateHealthPlan> plans);

    /// <summary>One round of a gate ended: every target's latest result and the device's counters.</summary>
    void Record(GateHealthStatus status);

    /// <summary>A target went down or came back up (called once per change, before <see cref="Record"/> of that round).</summary>
    void Changed(string gate, TargetHealthTracker target, TargetState state, DateTimeOffset? previousChangeAt);

    /// <summary>No echo can be sent to a target (called once until it can).</summary>
    void Unavailable(string gate, IPAddress target, string problem);

    /// <summary>A gate's probing stopped on an unexpected error.</summary>
    void Failed(string gate, string problem);
}
