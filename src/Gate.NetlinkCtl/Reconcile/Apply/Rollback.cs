using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Reconcile.Apply;

/// <summary>
/// Puts the host back as the checkpoint (the observation before an apply) had it, after a failed or cancelled apply:
/// the extensions' completed steps undone newest first, then the gates planned from the current observation back to
/// the checkpoint (<see cref="GatePlanner.PlanRestore"/>) and executed, then observed once more to say whether it worked.
/// </summary>
internal static class Rollback
{
    /// <summary>Restores <paramref name="checkpoint"/>; returns the steps run, why it did not get all the way back (or null), and the host after.</summary>
    public static async Task<(EquatableList<PlanStep> Steps, string? Error, ObservedHost After)> RestoreAsync(
        IGateBackend backend, PlanRun run, ObservedHost checkpoint, DesiredState desired, CancellationToken cancellationToken)
    {
        var steps = new List<PlanStep>();
        try
        {
            steps.AddRange(await run.UndoExtensionsAsync(cancellationToken).ConfigureAwait(false));
            var request = ObserveRequest.For(desired).Union(RequestOf(checkpoint));
            var current = await backend.ObserveAsync(request, cancellationToken).ConfigureAwait(false);
            var restore = GatePlanner.PlanRestore(checkpoint, current);
            await backend.ExecuteAsync(restore.Changes, cancellationToken).ConfigureAwait(false);
            steps.AddRange(restore.Steps);
            var after = await backend.ObserveAsync(request, cancellationToken).ConfigureAwait(false);
            var left = GatePlanner.PlanRestore(checkpoint, after);
            return (steps.ToEquatableList(), left.InSync ? null : "still differs from before: " + string.Join("; ", left.Steps), after);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            return (steps.ToEquatableList(), error.Message, ObservedHost.Empty);
        }
    }

    private static ObserveRequest RequestOf(ObservedHost host) => new(
        host.Gates.Select(g => g.Interface).ToEquatableList(),
        host.Underlays.Select(u => u.Name).ToEquatableList());
}
