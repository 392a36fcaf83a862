using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Reconcile.Plan;

/// <summary>
/// One gate's part of a plan: its kernel objects, desired and observed (<see cref="GateObjects"/>), and the steps
/// between them in the one order every backend executes (<see cref="GatePlanner"/>). A plan's gate steps are its
/// changes' steps, in order.
/// </summary>
/// <param name="Gate">The gate (for a deletion, the gate that owns the device).</param>
/// <param name="Interface">Its device.</param>
/// <param name="Objects">What the planner compared; null for steps grouped without a plan (<see cref="Group"/>).</param>
/// <param name="Steps">The delta, in execution order.</param>
internal sealed record GateChange(string Gate, string Interface, GateObjects? Objects, EquatableList<PlanStep> Steps)
{
    /// <summary>
    /// The changes' steps in execution order: the one order a kernel backend executes them in (a change's own steps are
    /// ordered by <see cref="GatePlanner"/>; changes run one after another).
    /// </summary>
    public static IReadOnlyList<PlanStep> StepsOf(IReadOnlyList<GateChange> changes) =>
        changes.Count == 1 ? changes[0].Steps : [.. changes.SelectMany(c => c.Steps)];

    /// <summary>
    /// Steps made without a plan (a backend handing some of a gate's steps to another, a test driving a backend) as
    /// changes: consecutive steps of one gate and device are one change, with no target or observation.
    /// </summary>
    public static EquatableList<GateChange> Group(IEnumerable<PlanStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var changes = new List<GateChange>();
        var run = new List<PlanStep>();
        foreach (var step in steps)
        {
            if (run.Count > 0 && (run[0].Gate != step.Gate || run[0].Interface != step.Interface))
            {
                changes.Add(Untargeted(run));
                run = [];
            }

            run.Add(step);
        }

        if (run.Count > 0)
        {
            changes.Add(Untargeted(run));
        }

        return changes.ToEquatableList();
    }

    private static GateChange Untargeted(List<PlanStep> steps) => new(steps[0].Gate, steps[0].Interface, null, steps.ToEquatableList());
}
