using System.Net;
using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Daemon;

/// <summary>
/// The daemon's reconcile: <see cref="GateReconciler.ApplyAsync"/> (observe, plan, apply, verify, roll back on failure).
/// It is also the fast path's writer: a backend of the kind the state in force names, kept open between passes, whose
/// <see cref="IGateBackend.FloodEntries"/> appends a deleted flood entry (a pass and a repair never run at once).
/// </summary>
/// <param name="reconciler">The pipeline.</param>
/// <param name="context">Namespace, backend and lock directory.</param>
internal sealed class GateReconcilerPass(GateReconciler reconciler, ReconcileContext context) : IReconcilePass, IFloodEntryWriter, IAsyncDisposable
{
    // The fast path's backend and the kind it was made for; replaced when the state names another backend.
    private IGateBackend? _fastPath;
    private BackendKind _fastPathKind;

    /// <inheritdoc />
    public async Task<ReconcileOutcome> RunAsync(DesiredState state, CancellationToken cancellationToken)
    {
        var result = await reconciler.ApplyAsync(state, context, cancellationToken).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        var warnings = result.Sources.Where(s => s.Origin == SoracomApi.EndpointOrigin.Cache || s.Notes.Count > 0).Select(s => $"gate {s.Gate}: {s.Describe(now)}")
            .Concat(result.Registrations.Where(r => r.Error is not null).Select(r => $"gate {r.Describe()}"))
            .ToArray();
        // A held gate (endpoints unknown) was left as it was: the pass failed for it, so the daemon retries with backoff.
        var held = result.Sources.Where(s => s.IsHeld).ToArray();
        var heldError = held.Length == 0 ? null
            : string.Join("; ", held.Select(s => $"gate {s.Gate}: {s.Describe(now)}"));
        if (result.Failure is { } failure)
        {
            // A failed apply restored its checkpoint: nothing it executed counts as a repair.
            var pending = result.Plan.Steps.Select(s => s.Gate).Concat(result.Plan.Problems.Select(p => p.Gate)).ToHashSet(StringComparer.Ordinal);
            // The restore steps are named: when the kernel changed during the pass (a device deleted by hand while the
            // pass observed it), putting the checkpoint back can create objects, and the log must say which.
            var restored = !failure.Restored ? $"restoring failed too: {failure.RestoreError}"
                : failure.RestoreSteps.Count == 0 ? "nothing had changed"
                : $"the host was restored to how it was before ({string.Join("; ", failure.RestoreSteps.Select(s => s.Describe()))})";
            var error = $"{failure.Stage.ToString().ToLowerInvariant()} failed: {failure.Message}; {restored}";
            return new ReconcileOutcome([], GatesOf(state, g => !pending.Contains(g.Name) && !held.Any(h => h.Gate == g.Name)), heldError is null ? error : $"{error}; {heldError}")
            {
                Warnings = warnings,
                Ha = HaRole.Of(state, result.Observed),
                Resolved = result.Resolved?.State,
            };
        }

        var repairs = result.Executed.Select(s => new DriftRepair(s.Gate, s.Action, s.Describe()))
            .Concat(result.Registrations.Where(r => r.Error is null).Select(r => new DriftRepair(r.Gate, "register", r.Describe())))
            .ToArray();
        return new ReconcileOutcome(repairs, GatesOf(state, g => !held.Any(h => h.Gate == g.Name)), heldError)
        {
            Warnings = warnings,
            FloodRepairs = await FloodRepairsOfAsync(result, state, cancellationToken).ConfigureAwait(false),
            Ha = HaRole.Of(state, result.Observed),
            Resolved = result.Resolved?.State,
        };
    }

    /// <inheritdoc />
    /// <remarks>Called only within a scope a pass left, so after <see cref="FloodRepairsOfAsync"/> found the capability.</remarks>
    public bool Append(int interfaceIndex, IPAddress destination) =>
        (_fastPath?.FloodEntries ?? throw new InvalidOperationException("no reconcile has left a backend that appends flood entries"))
            .Append(interfaceIndex, destination);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_fastPath is not null)
        {
            await _fastPath.DisposeAsync().ConfigureAwait(false);
            _fastPath = null;
        }
    }

    /// <summary>
    /// The fast path's scope after a successful pass, when the state's backend can append a flood entry by index (netlink,
    /// and NetworkManager, which hands flood entries to netlink: the same entry a full reconcile would append). A
    /// backend without that capability (iproute2) leaves none, and the daemon keeps to full reconciles.
    /// </summary>
    private async Task<FloodRepairScope?> FloodRepairsOfAsync(ApplyResult result, DesiredState state, CancellationToken cancellationToken)
    {
        if (result.Resolved is null)
        {
            return null;
        }

        var kind = context.Backend == BackendKind.Auto ? state.Host.Backend : context.Backend;
        if (_fastPath is null || _fastPathKind != kind)
        {
            await DisposeAsync().ConfigureAwait(false);
            _fastPath = await reconciler.OpenBackendAsync(state, context, cancellationToken).ConfigureAwait(false);
            _fastPathKind = kind;
        }

        return _fastPath.FloodEntries is null ? null : FloodRepairScope.Create(result.Plan.Changes, result.Observed.Gates.Select(g => g.Device));
    }

    private static GateSync[] GatesOf(DesiredState state, Func<GateSpec, bool> inSync) =>
        [.. state.Gates.Select(g => new GateSync(g.Name, g.Interface, inSync(g)))];
}
