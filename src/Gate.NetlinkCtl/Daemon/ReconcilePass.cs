using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Daemon;

/// <summary>One full reconcile of the host against a desired state: observe, diff, plan, apply, verify.</summary>
internal interface IReconcilePass
{
    /// <summary>Converges the host to <paramref name="state"/> and reports what it found and did; may also throw on failure.</summary>
    Task<ReconcileOutcome> RunAsync(DesiredState state, CancellationToken cancellationToken);
}

/// <summary>What one reconcile found and did.</summary>
/// <param name="Repairs">Each change applied to bring the host back in line (empty when it was in sync).</param>
/// <param name="Gates">Each gate of the state and whether it was in sync when the pass ended.</param>
/// <param name="Error">Why the pass failed (what failed, what was restored), or null when the host ended in sync.</param>
internal sealed record ReconcileOutcome(IReadOnlyList<DriftRepair> Repairs, IReadOnlyList<GateSync> Gates, string? Error)
{
    /// <summary>What a person should know though the pass succeeded (endpoints from a stale cache because the API failed).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// What the daemon may repair at once from a kernel event until the next pass (<see cref="FloodEntryRepair"/>): the
    /// enforced state's flood entries on gatectl's own devices. Null turns that fast path off (a failed pass, or a
    /// backend that does not program flood entries over rtnetlink).
    /// </summary>
    public FloodRepairScope? FloodRepairs { get; init; }

    /// <summary>
    /// The state the pass enforced, the SORACOM API's endpoints, peers and VPG inner addresses joined; null when it
    /// resolved nothing. The health probes follow it, so a <c>soracom:</c> gate probes what the API lists.
    /// </summary>
    public DesiredState? Resolved { get; init; }

    /// <summary>Whether this host holds each VRRP pair's virtual address, as the pass observed; null when it observed nothing.</summary>
    public IReadOnlyList<HaRole>? Ha { get; init; }
}

/// <summary>One change the daemon applied to repair drift.</summary>
/// <param name="Gate">The gate's name.</param>
/// <param name="Kind">The kind of change, a short stable word used as a metrics label (<c>create-device</c>, <c>add-fdb</c>, ...).</param>
/// <param name="Detail">What was changed, for people.</param>
internal sealed record DriftRepair(string Gate, string Kind, string Detail);

/// <summary>Whether one gate matched its desired state.</summary>
/// <param name="Gate">The gate's name.</param>
/// <param name="Interface">Its VXLAN device.</param>
/// <param name="InSync">True when the kernel matches the desired state.</param>
internal sealed record GateSync(string Gate, string Interface, bool InSync);
