using Gate.NetlinkCtl.State;
using Microsoft.Extensions.Logging;

namespace Gate.NetlinkCtl.Daemon;

/// <summary>
/// Reads the kernel's change notifications for as long as the daemon runs: each one goes to the fast path first, then,
/// when it touches a gate, becomes a reconcile request. A broken subscription is resubscribed with backoff and asks for
/// a full reconcile, since events may have been lost meanwhile.
/// </summary>
internal sealed class KernelEventPump(
    IKernelEventFeed feed,
    ReconcileRequests triggers,
    FastPathRepairer fastPath,
    DaemonRecorder recorder,
    Backoff backoff,
    ILogger logger)
{
    private readonly GateEventFilter _filter = new();

    /// <summary>Points the filter at the gates of <paramref name="state"/> and their underlays, by name and index.</summary>
    public async Task WatchGatesAsync(DesiredState state)
    {
        var present = state.Gates.Where(g => g.State == GatePresence.Present).ToArray();
        IReadOnlyDictionary<string, int> indexes;
        try
        {
            indexes = await feed.ListInterfacesAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Without indexes, FDB/address events go unmatched until a link event names the device;
            // the periodic resync still covers them.
            DaemonLog.ListingFailed(logger, ex.Message);
            indexes = new Dictionary<string, int>();
        }

        _filter.Watch(present.Select(g => g.Interface), present.Select(g => g.Underlay), indexes);
    }

    /// <summary>Pumps events until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in feed.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    failures = 0;
                    await DeliverAsync(change, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                recorder.RecordListenerError();
                DaemonLog.ListenerFailed(logger, ex.Message, backoff.DelayAfter(failures));
            }

            // The subscription ended or broke: events may have been lost, so reconcile in full, then resubscribe.
            // Repeated failures ask for nothing more: the first one's reconcile (and its retries) cover them.
            if (failures <= 1)
            {
                triggers.Request(ReconcileTrigger.EventsLost);
            }

            try
            {
                await Task.Delay(backoff.DelayAfter(Math.Max(failures, 1)), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task DeliverAsync(KernelChange change, CancellationToken cancellationToken)
    {
        if (fastPath.IsOwnEcho(change))
        {
            // The fast path's own append announced back: the deletion before it asked for the reconcile already.
            return;
        }

        // The fast path first, then the reconcile request: asked first, the reconcile's 20 ms quiet window could run out
        // before the pump reaches the repair (a loaded host), and the pass would take the repair's place instead of
        // following it.
        await fastPath.RepairAsync(change, cancellationToken).ConfigureAwait(false);
        if (_filter.Touches(change))
        {
            triggers.Request(ReconcileTrigger.KernelEvent);
        }
    }
}
