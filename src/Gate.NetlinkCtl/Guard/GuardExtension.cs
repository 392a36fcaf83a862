using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Rendering;

namespace Gate.NetlinkCtl.Guard;

/// <summary>
/// Joins the guard to the reconcile pipeline: <c>diff</c> reports the table's drift, <c>apply</c> loads or removes
/// the table after the gates' steps, and a failed apply puts the table back as it was. Register it with
/// <c>new GateReconciler(extensions: [new GuardExtension()])</c>.
/// </summary>
/// <param name="renderer">Renderer of the nftables template (default: the built-in templates).</param>
public sealed class GuardExtension(StateRenderer? renderer = null) : IReconcileExtension
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
        catch (Exception e) when (e is GuardException or TemplateException)
        {
            throw new BackendException(ExtensionName, null, 0, e.Message, e);
        }

        if (comparison.Drift.InSync)
        {
            return [];
        }

        return comparison.Ruleset is null
            ? [new RemoveGuard(comparison.Drift, comparison.Observed!)]
            : [new LoadGuard(comparison.Drift, comparison.Ruleset, comparison.Observed)];
    }

    /// <inheritdoc />
    public async Task ExecuteAsync(ExtensionStep change, ExtensionContext context, CancellationToken cancellationToken)
    {
        var guard = Guard(context);
        try
        {
            await (change switch
            {
                LoadGuard load => guard.LoadAsync(load.Ruleset, cancellationToken),
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

    private NftablesGuard Guard(ExtensionContext context) => new(context.Reconcile.Netns, renderer);
}

/// <summary>Loads the rendered guard table, replacing gatectl's table if it exists.</summary>
/// <param name="Drift">Why: the drift observed.</param>
/// <param name="Ruleset">The rendered ruleset text.</param>
/// <param name="Previous">The table before, for rollback (null: there was none).</param>
public sealed record LoadGuard(GuardDrift Drift, string Ruleset, GuardSnapshot? Previous)
    : ExtensionStep(GuardExtension.ExtensionName, "", "")
{
    /// <inheritdoc />
    public override string Action => "load-guard";

    /// <inheritdoc />
    public override ExtensionStep? Undo => new RestoreGuard(Previous);

    /// <inheritdoc />
    public override string Describe() => $"guard: {Drift.Describe()}; load it from the nftables template";
}

/// <summary>Deletes gatectl's table because the state no longer wants it.</summary>
/// <param name="Drift">Why: the drift observed.</param>
/// <param name="Previous">The table before, for rollback.</param>
public sealed record RemoveGuard(GuardDrift Drift, GuardSnapshot Previous)
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
public sealed record RestoreGuard(GuardSnapshot? Snapshot)
    : ExtensionStep(GuardExtension.ExtensionName, "", "")
{
    /// <inheritdoc />
    public override string Action => "restore-guard";

    /// <inheritdoc />
    public override ExtensionStep? Undo => null;

    /// <inheritdoc />
    public override string Describe() => Snapshot is null
        ? $"guard: delete table {GuardTable.Display} (it did not exist before)"
        : $"guard: restore table {GuardTable.Display} as it was ({Snapshot.Ruleset.Rules.Count()} rules)";
}
