using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Daemon;

/// <summary>The daemon's reconcile: <see cref="GateReconciler.ApplyAsync"/> (observe, plan, apply, verify, roll back on failure).</summary>
/// <param name="reconciler">The pipeline.</param>
/// <param name="context">Namespace, backend and lock directory.</param>
public sealed class GateReconcilerPass(GateReconciler reconciler, ReconcileContext context) : IReconcilePass
{
    /// <inheritdoc />
    public async Task<ReconcileOutcome> RunAsync(DesiredState state, CancellationToken cancellationToken)
    {
        var result = await reconciler.ApplyAsync(state, context, cancellationToken).ConfigureAwait(false);
        if (result.Failure is { } failure)
        {
            // A failed apply restored its checkpoint: nothing it executed counts as a repair.
            var pending = result.Plan.Steps.Select(s => s.Gate).Concat(result.Plan.Problems.Select(p => p.Gate)).ToHashSet(StringComparer.Ordinal);
            var restored = failure.Restored ? "the host was restored to how it was before" : $"restoring failed too: {failure.RestoreError}";
            return new ReconcileOutcome([], GatesOf(state, g => !pending.Contains(g.Name)), $"{failure.Stage.ToString().ToLowerInvariant()} failed: {failure.Message}; {restored}");
        }

        var repairs = result.Executed.Select(s => new DriftRepair(s.Gate, s.Action, s.Describe())).ToArray();
        return new ReconcileOutcome(repairs, GatesOf(state, _ => true), null);
    }

    private static GateSync[] GatesOf(DesiredState state, Func<GateSpec, bool> inSync) =>
        [.. state.Gates.Select(g => new GateSync(g.Name, g.Interface, inSync(g)))];
}
