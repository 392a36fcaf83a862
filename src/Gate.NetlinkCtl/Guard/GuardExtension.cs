using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Reconcile;

namespace Gate.NetlinkCtl.Guard;

/// <summary>
/// Joins the guard to the reconcile pipeline: <c>diff</c> reports the table's drift, <c>apply</c> programs or removes
/// the table after the gates' steps, and a failed apply puts the table back as it was (and, as for any failed step,
/// the gates too: with <c>guard: true</c> a gate never runs unguarded). Register it with
/// <c>new GateReconciler(extensions: [new GuardExtension()])</c>.
/// </summary>
internal sealed class GuardExtension : IReconcileExtension
{
    /// <summary>The extension's name, which its steps carry.</summary>
    public const string ExtensionName = "guard";

    /// <inheritdoc />
    public string Name => ExtensionName;

    /// <inheritdoc />
    public async Task<IReadOnlyList<ExtensionStep>> PlanAsync(ExtensionContext context, CancellationToken cancellationToken)
    {
        GuardComparison comparison;
        try
        {
            comparison = await Guard(context).CompareAsync(context.Desired, cancellationToken).ConfigureAwait(false);
        }
        catch (GuardException e)
        {
            throw new BackendException(ExtensionName, null, 0, e.Message, e);
        }

        if (comparison.Drift.InSync)
        {
            return [];
        }

        return comparison.Wanted is null
            ? [new RemoveGuard(comparison.Drift, comparison.Observed!)]
            : [new ProgramGuard(comparison)];
    }

    /// <inheritdoc />
    public async Task ExecuteAsync(ExtensionStep change, ExtensionContext context, CancellationToken cancellationToken)
    {
        var guard = Guard(context);
        try
        {
            await (change switch
            {
                ProgramGuard program => guard.ProgramAsync(program.Comparison, cancellationToken),
                RemoveGuard => guard.RemoveAsync(cancellationToken),
                RestoreGuard restore => guard.RestoreAsync(restore.Snapshot, cancellationToken),
                _ => throw new InvalidOperationException($"the guard cannot execute '{change.Describe()}'"),
            }).ConfigureAwait(false);
        }
        catch (GuardException e)
        {
            // The reconciler rolls back on backend failures; the guard's are reported the same way.
            throw new BackendException(ExtensionName, change, 0, e.Message, e);
        }
    }

    private static NftablesGuard Guard(ExtensionContext context) => new(context.Reconcile.Netns);
}

/// <summary>Creates gatectl's table, or changes it to the wanted one (set elements only, when only they differ).</summary>
/// <param name="Comparison">The drift observed, the table wanted and the table before (for rollback; null: there was none).</param>
internal sealed record ProgramGuard(GuardComparison Comparison)
    : ExtensionStep(GuardExtension.ExtensionName, "", "")
{
    /// <inheritdoc />
    public override string Action => Comparison.Drift.ElementsOnly ? "update-guard-sets" : "program-guard";

    /// <inheritdoc />
    public override ExtensionStep? Undo => new RestoreGuard(Comparison.Observed);

    /// <inheritdoc />
    public override string Describe() => Comparison.Drift.ElementsOnly
        ? $"guard: {Comparison.Drift.Describe()}; add and delete those set elements"
        : $"guard: {Comparison.Drift.Describe()}; program the table in one nf_tables transaction";
}

/// <summary>Deletes gatectl's table because the state no longer wants it.</summary>
/// <param name="Drift">Why: the drift observed.</param>
/// <param name="Previous">The table before, for rollback.</param>
internal sealed record RemoveGuard(GuardDrift Drift, GuardSnapshot Previous)
    : ExtensionStep(GuardExtension.ExtensionName, "", "")
{
    /// <inheritdoc />
    public override string Action => "remove-guard";

    /// <inheritdoc />
    public override ExtensionStep? Undo => new RestoreGuard(Previous);

    /// <inheritdoc />
    public override string Describe() => $"guard: {Drift.Describe()}; delete it";
}

/// <summary>Puts gatectl's table back as it was before a failed apply (or removes it when there was none).</summary>
/// <param name="Snapshot">The table to restore, or null for none.</param>
internal sealed record RestoreGuard(GuardSnapshot? Snapshot)
    : ExtensionStep(GuardExtension.ExtensionName, "", "")
{
    /// <inheritdoc />
    public override string Action => "restore-guard";

    /// <inheritdoc />
    public override ExtensionStep? Undo => null;

    /// <inheritdoc />
    public override string Describe() => Snapshot is null
        ? $"guard: delete table {GuardTable.Display} (it did not exist before)"
        : $"guard: restore table {GuardTable.Display} as it was ({Snapshot.Table.Rules.Count} rules)";
}
