using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Reconcile.Plan;

/// <summary>
/// One gate's part of a plan: what its device should be, what was observed, and the steps between them in the one
/// order every backend executes (<see cref="GatePlanner.PlanGate"/>). A plan's gate steps are its changes' steps, in order.
/// </summary>
/// <param name="Gate">The gate (for a deletion, the gate that owns the device).</param>
/// <param name="Interface">Its device.</param>
/// <param name="Target">What the device should be; null when it is deleted or given back.</param>
/// <param name="Observed">The device as observed; null when there is none.</param>
/// <param name="Steps">The delta, in execution order.</param>
internal sealed record GateChange(string Gate, string Interface, GateTarget? Target, ObservedGate? Observed, EquatableList<PlanStep> Steps);
