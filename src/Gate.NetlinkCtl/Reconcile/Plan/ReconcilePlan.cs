using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Reconcile.Plan;

/// <summary>The ordered steps that bring the host to the desired state, or the problems that forbid any change.</summary>
/// <param name="Steps">Changes, in execution order.</param>
/// <param name="Problems">Conflicts that stop apply before it changes anything.</param>
internal sealed record ReconcilePlan(EquatableList<PlanStep> Steps, EquatableList<PlanProblem> Problems)
{
    /// <summary>Nothing to do, nothing wrong.</summary>
    public static ReconcilePlan Empty { get; } = new(EquatableList<PlanStep>.Empty, EquatableList<PlanProblem>.Empty);

    /// <summary>True when the host already matches and nothing stands in the way.</summary>
    public bool InSync => Steps.Count == 0 && Problems.Count == 0;

    /// <summary>True when apply may run the steps (no problems).</summary>
    public bool CanApply => Problems.Count == 0;

    /// <summary>The gates' steps, per gate: target, observation and delta (host features' steps are in <see cref="Steps"/> only).</summary>
    public EquatableList<GateChange> Changes { get; init; } = EquatableList<GateChange>.Empty;

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
