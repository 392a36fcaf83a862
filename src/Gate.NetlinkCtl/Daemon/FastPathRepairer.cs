using System.Diagnostics;
using System.Net;
using Gate.NetlinkCtl.Backends;
using Microsoft.Extensions.Logging;

namespace Gate.NetlinkCtl.Daemon;

/// <summary>
/// The fast path: a deleted flood entry the state in force wants is appended again from its RTM_DELNEIGH, one request,
/// without waiting for a full reconcile. It and the full passes exclude each other: a repair never runs while a pass
/// applies a (maybe new) state, and it decides with the <see cref="FloodRepairScope"/> the latest pass left.
/// </summary>
internal sealed class FastPathRepairer(IFloodEntryWriter? writer, DaemonRecorder recorder, ILogger logger) : IDisposable
{
    // A fast-path append's own RTM_NEWNEIGH arrives within microseconds; one older than this is someone else's.
    private static readonly TimeSpan EchoWindow = TimeSpan.FromSeconds(1);

    // How long a repair waits for a full pass in flight; passes take milliseconds unless a dependency hangs.
    private static readonly TimeSpan PassWait = TimeSpan.FromSeconds(2);

    // Held by a full pass and by each repair. Guards _scope.
    private readonly SemaphoreSlim _exclusion = new(1, 1);

    // The fast path's own appends whose RTM_NEWNEIGH is still to come (index, destination -> when); event pump only.
    private readonly Dictionary<(int Index, IPAddress Destination), long> _echoes = [];
    private FloodRepairScope? _scope;

    /// <summary>Waits until no repair runs; a full pass holds this until <see cref="EndPass"/>.</summary>
    public Task BeginPassAsync() => _exclusion.WaitAsync(CancellationToken.None);

    /// <summary>
    /// Ends a full pass. Only a pass that ended in sync vouches for what the fast path may do until the next one, so a
    /// failed pass (<paramref name="failed"/>) leaves no scope; without a writer there is nothing to scope either.
    /// </summary>
    public void EndPass(FloodRepairScope? scope, bool failed)
    {
        _scope = writer is null || failed ? null : scope;
        _exclusion.Release();
    }

    /// <summary>True when <paramref name="change"/> is this path's own append announced back (no new drift).</summary>
    public bool IsOwnEcho(KernelChange change) =>
        change is { Kind: KernelChangeKind.Neighbour, Removed: false, Fdb.Destination: { } destination }
        && _echoes.Remove((change.InterfaceIndex, destination), out var at)
        && Stopwatch.GetElapsedTime(at) < EchoWindow;

    /// <summary>Repairs what <paramref name="change"/> deleted, when it is a flood entry the state in force wants.</summary>
    public async Task RepairAsync(KernelChange change, CancellationToken cancellationToken)
    {
        if (writer is null)
        {
            return;
        }

        // Without waiting: most events (other gates' objects, additions, foreign entries) concern no repair at all.
        var seen = Volatile.Read(ref _scope);
        var linkLeavesScope = seen is not null && !ReferenceEquals(seen.After(change), seen);
        if (!linkLeavesScope && FloodEntryRepair.Decide(change, seen) is null)
        {
            return;
        }

        // Not for ever: a full pass stuck on a dependency must not stop the event pump (its own event has asked for the
        // reconcile that repairs this entry anyway).
        if (!await _exclusion.WaitAsync(PassWait, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            _scope = _scope?.After(change);
            if (FloodEntryRepair.Decide(change, _scope) is { } repair)
            {
                Append(writer, repair);
            }
        }
        finally
        {
            _exclusion.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _exclusion.Dispose();

    private void Append(IFloodEntryWriter floods, FloodEntryRepair repair)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        bool appended;
        try
        {
            appended = floods.Append(repair.InterfaceIndex, repair.Destination);
        }
        catch (Exception ex)
        {
            // The device went away, or the kernel refused: the full reconcile requested with this event deals with it.
            DaemonLog.FastRepairFailed(logger, repair.Gate, repair.Describe(), ex.Message);
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
        recorder.RecordFastRepair(repair, startedAt, clock.Elapsed);
    }
}
