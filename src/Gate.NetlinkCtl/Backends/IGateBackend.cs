using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;

namespace Gate.NetlinkCtl.Backends;

/// <summary>
/// One way of reading and programming the host (rtnetlink, iproute2, NetworkManager). The planner never knows
/// which one runs; every backend must leave the same observed state for the same plan.
/// </summary>
internal interface IGateBackend : IAsyncDisposable
{
    /// <summary>The backend's name as the CLI spells it (<c>netlink</c>, <c>iproute2</c>, ...).</summary>
    string Name { get; }

    /// <summary>
    /// Observes gatectl's devices, the devices the request names (whatever their kind), the other VXLAN devices and
    /// the requested underlays; builds the result with <see cref="ObservedHost.Create"/> so it is canonical.
    /// </summary>
    Task<ObservedHost> ObserveAsync(ObserveRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Brings each gate of <paramref name="changes"/> from what was observed to its target, in order, through the
    /// change's steps (<see cref="GateChange.StepsOf"/> is the one order every backend keeps). Stops at the first failure,
    /// throwing <see cref="BackendException"/> naming the step and how many steps of all the changes completed; deletes
    /// tolerate "not found", adds tolerate "exists" only for identical objects. Nothing is kept from one call to the next.
    /// </summary>
    Task ExecuteAsync(IReadOnlyList<GateChange> changes, CancellationToken cancellationToken = default);

    /// <summary>
    /// The backend's writer of single flood entries by device index (the daemon's fast path), or null when it has none
    /// (iproute2: a process per change, so the daemon keeps to full reconciles there).
    /// </summary>
    IFloodEntryWriter? FloodEntries => null;
}
