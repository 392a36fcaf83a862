using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Reconcile.Diff;

/// <summary>What <c>diff</c> reports: each gate's status with its differences, foreign objects seen, and problems.</summary>
/// <param name="Backend">The backend that observed.</param>
/// <param name="Gates">One entry per gate in the file, then one per orphaned gatectl device.</param>
/// <param name="HostChanges">Pending changes of host features (extensions), described.</param>
/// <param name="Foreign">Objects gatectl did not make, seen on or near the gates.</param>
/// <param name="Problems">Conflicts that keep apply from running.</param>
internal sealed record DriftReport(
    string Backend,
    EquatableList<GateDrift> Gates,
    EquatableList<string> HostChanges,
    EquatableList<ForeignObject> Foreign,
    EquatableList<PlanProblem> Problems)
{
    /// <summary>True when every gate is in sync, no host feature drifted and nothing is in the way.</summary>
    public bool InSync => Gates.All(g => g.Status is GateStatus.InSync or GateStatus.Absent) && HostChanges.Count == 0 && Problems.Count == 0;

    /// <summary>Where each gate with a SORACOM source got its endpoints (API, cache and how old, or none).</summary>
    public EquatableList<SoracomApi.EndpointResolution> Sources { get; init; } = EquatableList<SoracomApi.EndpointResolution>.Empty;

    /// <summary>Virtual addresses of VRRP pairs on their gates: keepalived's, reported apart from drift and foreign objects.</summary>
    public EquatableList<KeepalivedAddress> HeldByKeepalived { get; init; } = EquatableList<KeepalivedAddress>.Empty;

    /// <summary>
    /// Builds the report from a plan and the observation it was made from: a gate is in sync when its objects have
    /// nothing pending, and its differences are the steps apply would run.
    /// </summary>
    public static DriftReport Create(string backend, ResolvedState resolved, ObservedHost host, ReconcilePlan plan)
    {
        var desired = resolved.State;
        var gates = new List<GateDrift>();
        var changes = plan.Changes.ToLookup(c => (c.Gate, c.Interface));
        foreach (var gate in desired.Gates)
        {
            var change = changes[(gate.Name, gate.Interface)].FirstOrDefault();
            var steps = change?.Steps.Select(s => s.Describe()).ToEquatableList() ?? EquatableList<string>.Empty;
            var objects = change?.Objects;
            var status = resolved.IsHeld(gate.Name) ? GateStatus.Held
                : plan.Problems.Any(p => p.Gate == gate.Name) ? GateStatus.Conflict
                : gate.State == GatePresence.Absent ? (objects?.ObservedDevice is null ? GateStatus.Absent : GateStatus.Drifted)
                : objects?.ObservedDevice is null ? GateStatus.Missing
                : objects.IsInSync ? GateStatus.InSync
                : GateStatus.Drifted;
            var differences = status == GateStatus.Conflict
                ? plan.Problems.Where(p => p.Gate == gate.Name).Select(p => p.Message).ToEquatableList()
                : steps;
            gates.Add(new GateDrift(gate.Name, gate.Interface, status, differences));
        }

        var known = desired.Gates.Select(g => (g.Name, g.Interface)).ToHashSet();
        foreach (var orphan in plan.Changes.Where(c => c.Objects?.DesiredDevice is null && !known.Contains((c.Gate, c.Interface))))
        {
            gates.Add(new GateDrift(orphan.Gate, orphan.Interface, GateStatus.Orphaned, orphan.Steps.Select(s => s.Describe()).ToEquatableList()));
        }

        var keepalived = KeepalivedAddress.On(desired, host).ToEquatableList();
        var keepalivedObjects = keepalived.Select(k => k.AsForeign()).ToHashSet();
        return new DriftReport(
            backend,
            gates.ToEquatableList(),
            plan.HostSteps.Select(s => s.Describe()).ToEquatableList(),
            host.ForeignObjects.Where(f => !keepalivedObjects.Contains(f)).ToEquatableList(),
            plan.Problems)
        {
            HeldByKeepalived = keepalived,
            Sources = resolved.Resolutions,
        };
    }
}

/// <summary>One gate's drift.</summary>
/// <param name="Gate">Gate name.</param>
/// <param name="Interface">Its device.</param>
/// <param name="Status">In sync, drifted, missing, ...</param>
/// <param name="Differences">What differs, as the changes apply would make (or the conflict's message).</param>
internal sealed record GateDrift(string Gate, string Interface, GateStatus Status, EquatableList<string> Differences);

/// <summary>How a gate compares with the kernel.</summary>
internal enum GateStatus
{
    /// <summary>The device and everything gatectl keeps on it match.</summary>
    InSync,

    /// <summary>The device exists but something differs.</summary>
    Drifted,

    /// <summary>The device does not exist.</summary>
    Missing,

    /// <summary><c>state: absent</c> and indeed not there.</summary>
    Absent,

    /// <summary>A gatectl device whose gate left the state file (apply deletes it).</summary>
    Orphaned,

    /// <summary>Something in the way (a foreign device with its name, a missing underlay): apply refuses.</summary>
    Conflict,

    /// <summary>Its endpoints could not be read from the SORACOM API nor its cache: left exactly as it is, not compared.</summary>
    Held,
}
