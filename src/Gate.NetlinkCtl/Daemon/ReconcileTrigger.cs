using System.Diagnostics;
using System.Threading.Channels;

namespace Gate.NetlinkCtl.Daemon;

/// <summary>Why the daemon reconciles.</summary>
internal enum ReconcileTrigger
{
    /// <summary>The daemon just started.</summary>
    Start,

    /// <summary>An rtnetlink event touched one of the gates.</summary>
    KernelEvent,

    /// <summary>The periodic full resync (host.reconcileInterval) came due.</summary>
    Periodic,

    /// <summary>A retry after a failed reconcile, once its backoff elapsed.</summary>
    Retry,

    /// <summary>The state file's content changed.</summary>
    StateFileChanged,

    /// <summary>SIGHUP (<c>systemctl reload gatectl</c>).</summary>
    Reload,

    /// <summary>The event listener failed and restarted: events may have been lost.</summary>
    EventsLost,
}

/// <summary>
/// Collects reconcile requests from every source (events, file watcher, signals) and hands them to the
/// loop in bursts: a request that arrives while others are still coming joins them, so a burst of
/// rtnetlink events (a device deleted takes its addresses, FDB entries and routes with it) is one reconcile.
/// </summary>
internal sealed class ReconcileRequests
{
    private readonly Channel<ReconcileTrigger> _channel =
        Channel.CreateUnbounded<ReconcileTrigger>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Asks for a reconcile; never blocks.</summary>
    public void Request(ReconcileTrigger trigger) => _channel.Writer.TryWrite(trigger);

    /// <summary>Forgets the pending requests of one kind; the others stay, in order.</summary>
    public void DropPending(ReconcileTrigger trigger)
    {
        var kept = new List<ReconcileTrigger>();
        while (_channel.Reader.TryRead(out var pending))
        {
            if (pending != trigger)
            {
                kept.Add(pending);
            }
        }

        foreach (var pending in kept)
        {
            _channel.Writer.TryWrite(pending);
        }
    }

    /// <summary>
    /// Waits for the next burst of requests. Returns <paramref name="idleResult"/> alone when nothing arrives
    /// within <paramref name="idle"/>. Once a request arrives, keeps collecting until no new one has come for
    /// <paramref name="quiet"/>, or <paramref name="maxBurst"/> has passed since the first.
    /// </summary>
    public async Task<IReadOnlySet<ReconcileTrigger>> WaitBurstAsync(
        TimeSpan idle, ReconcileTrigger idleResult, TimeSpan quiet, TimeSpan maxBurst, CancellationToken cancellationToken)
    {
        var reader = _channel.Reader;
        if (!await WaitToReadAsync(reader, idle, cancellationToken).ConfigureAwait(false))
        {
            return new HashSet<ReconcileTrigger> { idleResult };
        }

        var burst = new HashSet<ReconcileTrigger>();
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            while (reader.TryRead(out var trigger))
            {
                burst.Add(trigger);
            }

            var left = maxBurst - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero
                || !await WaitToReadAsync(reader, left < quiet ? left : quiet, cancellationToken).ConfigureAwait(false))
            {
                return burst;
            }
        }
    }

    private static async Task<bool> WaitToReadAsync(ChannelReader<ReconcileTrigger> reader, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (reader.TryPeek(out _))
        {
            return true;
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            return await reader.WaitToReadAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
