using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Reconcile.Plan;

/// <summary>
/// What brings the host to the desired state: the gates' changes (each with its objects and ordered steps), then the
/// host features' steps; or the problems that forbid any change.
/// </summary>
/// <param name="Changes">One per gate the plan covers, in execution order (deletions first), in sync or not.</param>
/// <param name="HostSteps">The host features' steps (the VXLAN guard, sysctls), run after the gates'.</param>
/// <param name="Problems">Conflicts that stop apply before it changes anything.</param>
internal sealed record ReconcilePlan(EquatableList<GateChange> Changes, EquatableList<ExtensionStep> HostSteps, EquatableList<PlanProblem> Problems)
{
    /// <summary>Nothing to do, nothing wrong.</summary>
    public static ReconcilePlan Empty { get; } = new(EquatableList<GateChange>.Empty, EquatableList<ExtensionStep>.Empty, EquatableList<PlanProblem>.Empty);

    /// <summary>Every step in execution order: the changes' steps, then the host features'.</summary>
    public EquatableList<PlanStep> Steps => Changes.SelectMany(c => c.Steps).Concat<PlanStep>(HostSteps).ToEquatableList();

    /// <summary>True when the host already matches and nothing stands in the way.</summary>
    public bool InSync => Problems.Count == 0 && HostSteps.Count == 0 && Changes.All(c => c.Steps.Count == 0);

    /// <summary>True when apply may run the steps (no problems).</summary>
    public bool CanApply => Problems.Count == 0;

    /// <summary>Steps that would move a VRRP pair's virtual address to the other peer (see <see cref="Reconcile.Plan.FailoverRisks"/>); apply runs them anyway.</summary>
    public EquatableList<string> FailoverRisks { get; init; } = EquatableList<string>.Empty;
}

/// <summary>Why a gate cannot be reconciled, and what a person should do about it.</summary>
/// <param name="Gate">The gate.</param>
/// <param name="Interface">Its interface.</param>
/// <param name="Message">What is wrong and what to do.</param>
internal sealed record PlanProblem(string Gate, string Interface, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"gate {Gate}: {Message}";
}
