using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Reconcile;

/// <summary>
/// A host feature beyond the gates' devices (for example the nftables guard) that joins the pipeline: it plans its
/// own steps from the desired state and the observation, and executes them after the gates' steps. A failed apply
/// runs the <see cref="ExtensionStep.Undo"/> of its completed steps in reverse.
/// </summary>
internal interface IReconcileExtension
{
    /// <summary>Short name used in messages (<c>guard</c>).</summary>
    string Name { get; }

    /// <summary>Observes the feature's own objects and returns the steps that bring them to the desired state (empty when in sync).</summary>
    Task<IReadOnlyList<ExtensionStep>> PlanAsync(ExtensionContext context, CancellationToken cancellationToken);

    /// <summary>Executes one of its own steps; throws with a message a person can act on.</summary>
    Task ExecuteAsync(ExtensionStep change, ExtensionContext context, CancellationToken cancellationToken);
}

/// <summary>What an extension sees.</summary>
/// <param name="Desired">The desired state (for <c>delete</c>: the named gates, all <c>absent</c>).</param>
/// <param name="Host">The observation the gates were planned against.</param>
/// <param name="Reconcile">Namespace and backend.</param>
internal sealed record ExtensionContext(DesiredState Desired, ObservedHost Host, ReconcileContext Reconcile);

/// <summary>A step an extension plans and executes itself; it carries how to undo it.</summary>
/// <param name="Extension">The extension's <see cref="IReconcileExtension.Name"/>.</param>
/// <param name="Gate">The gate it concerns, or empty for host-wide steps.</param>
/// <param name="Interface">The device it concerns, or empty.</param>
internal abstract record ExtensionStep(string Extension, string Gate, string Interface) : PlanStep(Gate, Interface)
{
    /// <summary>The step that reverses this one (for rollback), or null when nothing needs undoing.</summary>
    public abstract ExtensionStep? Undo { get; }
}
