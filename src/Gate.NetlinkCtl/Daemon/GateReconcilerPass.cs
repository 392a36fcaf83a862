using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Daemon;

/// <summary>The daemon's reconcile: <see cref="GateReconciler.ApplyAsync"/> (observe, plan, apply, verify, roll back on failure).</summary>
/// <param name="reconciler">The pipeline.</param>
/// <param name="context">Namespace, backend and lock directory.</param>
internal sealed class GateReconcilerPass(GateReconciler reconciler, ReconcileContext context) : IReconcilePass
{
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
            var restored = failure.Restored ? "the host was restored to how it was before" : $"restoring failed too: {failure.RestoreError}";
            var error = $"{failure.Stage.ToString().ToLowerInvariant()} failed: {failure.Message}; {restored}";
            return new ReconcileOutcome([], GatesOf(state, g => !pending.Contains(g.Name) && !held.Any(h => h.Gate == g.Name)), heldError is null ? error : $"{error}; {heldError}")
            {
                Warnings = warnings,
                Ha = HaRole.Of(state, result.Observed),
            };
        }

        var repairs = result.Executed.Select(s => new DriftRepair(s.Gate, s.Action, s.Describe()))
            .Concat(result.Registrations.Where(r => r.Error is null).Select(r => new DriftRepair(r.Gate, "register", r.Describe())))
            .ToArray();
        return new ReconcileOutcome(repairs, GatesOf(state, g => !held.Any(h => h.Gate == g.Name)), heldError)
        {
            Warnings = warnings,
            FloodRepairs = FloodRepairsOf(result, state),
            Ha = HaRole.Of(state, result.Observed),
        };
    }

    /// <summary>
    /// The fast path's scope after a successful pass: the netlink and NetworkManager backends both program flood entries
    /// over rtnetlink (NetworkManager profiles cannot express them), so an entry appended there is the same entry a full
    /// reconcile would append. With iproute2 the daemon keeps to full reconciles.
    /// </summary>
    private FloodRepairScope? FloodRepairsOf(ApplyResult result, DesiredState state)
    {
        var backend = context.Backend == BackendKind.Auto ? state.Host.Backend : context.Backend;
        return backend == BackendKind.Iproute2 || result.Backend == "iproute2" || result.Desired is not { } enforced
            ? null
            : FloodRepairScope.Create(enforced, result.Observed.Gates.Select(g => g.Device));
    }

    private static GateSync[] GatesOf(DesiredState state, Func<GateSpec, bool> inSync) =>
        [.. state.Gates.Select(g => new GateSync(g.Name, g.Interface, inSync(g)))];
}
