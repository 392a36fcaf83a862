using System.Net;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Reconcile.Plan;

/// <summary>
/// Pure planner: pairs each gate's target with the observation as its kernel objects (<see cref="GateObjects"/>) and
/// turns what is pending into ordered steps. Device deletions come first (they free names); then, per gate in file
/// order: remove stale routes, floods and addresses, create or recreate or fix the MTU, add addresses, set up (routes
/// need an up link), add floods, add routes.
/// </summary>
internal static class GatePlanner
{
    /// <summary>Plans a state that has no SORACOM source to resolve (nothing held); see <see cref="Plan(ResolvedState, ObservedHost, bool, string)"/>.</summary>
    public static ReconcilePlan Plan(DesiredState desired, ObservedHost host, bool pruneOrphans = true, string absentReason = "state: absent") =>
        Plan(ResolvedState.Of(desired), host, pruneOrphans, absentReason);

    /// <summary>
    /// Plans the resolved state against the host; <paramref name="pruneOrphans"/> deletes gatectl devices whose gate left
    /// the file, and <paramref name="absentReason"/> is what deletions of absent gates give as their reason. A held gate
    /// gets no step at all.
    /// </summary>
    public static ReconcilePlan Plan(ResolvedState resolved, ObservedHost host, bool pruneOrphans = true, string absentReason = "state: absent")
    {
        var desired = resolved.State;
        var problems = new List<PlanProblem>();
        var deletions = new List<PlanStep>();
        var targets = new List<(GateTarget Target, ObservedGate? Observed, bool Adopting)>();
        var namesInFile = desired.Gates.Select(g => g.Name).ToHashSet(StringComparer.Ordinal);

        foreach (var gate in desired.Gates)
        {
            if (resolved.IsHeld(gate.Name))
            {
                // Its endpoints are unknown (API and cache failed): whatever the host has stays, untouched.
                continue;
            }

            var observed = host.Find(gate.Interface);
            var owner = observed?.Device.OwnerGate;
            if (gate.State == GatePresence.Absent)
            {
                if (owner == gate.Name)
                {
                    deletions.Add(new DeleteDevice(gate.Name, gate.Interface, absentReason));
                }

                continue;
            }

            var adopting = observed is not null && owner is null;
            if (adopting && (gate.Adoption == GateAdoption.Off || !observed!.Device.IsVxlan))
            {
                problems.Add(new PlanProblem(gate.Name, gate.Interface, NotGatectlsMessage(observed!.Device, gate.Adoption)));
                continue;
            }

            if (owner is not null && owner != gate.Name && namesInFile.Contains(owner))
            {
                problems.Add(new PlanProblem(gate.Name, gate.Interface,
                    $"interface {gate.Interface} belongs to gate '{owner}', which is also in the state file: give each gate its own interface"));
                continue;
            }

            var underlay = host.FindUnderlay(gate.Underlay);
            if (underlay is null)
            {
                problems.Add(new PlanProblem(gate.Name, gate.Interface,
                    $"underlay {gate.Underlay} does not exist: create it or set 'underlay' to an existing device"));
                continue;
            }

            if (gate.Mtu is { } mtu && mtu > underlay.Mtu - GateSpec.VxlanOverhead)
            {
                // The kernel clamps a larger MTU at creation and refuses it later, so the gate could never be in sync.
                problems.Add(new PlanProblem(gate.Name, gate.Interface,
                    $"mtu {mtu} is more than underlay {underlay.Name} allows ({underlay.Mtu} minus {GateSpec.VxlanOverhead} for VXLAN = {underlay.Mtu - GateSpec.VxlanOverhead}): "
                    + "lower 'mtu' or raise the underlay's MTU"));
                continue;
            }

            var target = GateTarget.FromSpec(gate, underlay);
            if (adopting && gate.Adoption == GateAdoption.InPlace && FixedAttributeChanges(DeviceObject.Of(target), DeviceObject.Of(observed!.Device)) is { } changes)
            {
                problems.Add(new PlanProblem(gate.Name, gate.Interface, AdoptionMismatchMessage(gate.Interface, changes)));
                continue;
            }

            targets.Add((target, observed, adopting));
        }

        if (pruneOrphans)
        {
            var targeted = desired.Gates.Where(g => g.State == GatePresence.Present).Select(g => g.Interface).ToHashSet(StringComparer.Ordinal);
            foreach (var gate in host.Gates.Where(g => g.IsGatectls && !targeted.Contains(g.Interface)))
            {
                var owner = gate.Device.OwnerGate!;
                var inFile = desired.Gates.FirstOrDefault(g => g.Name == owner);
                if (inFile is null)
                {
                    deletions.Add(new DeleteDevice(owner, gate.Interface, $"gate '{owner}' is no longer in the state file"));
                }
                else if (inFile.Interface != gate.Interface)
                {
                    deletions.Add(new DeleteDevice(owner, gate.Interface, $"gate '{owner}' now uses interface {inFile.Interface}"));
                }
            }
        }

        var targetChanges = targets.Select(t => (t.Target, t.Observed, Change: t.Adopting ? Adoption(t.Target, t.Observed!) : Change(t.Target, t.Observed))).ToList();
        var gateChanges = deletions.Select(d => Deletion(d, host)).Concat(targetChanges.Select(t => t.Change)).ToEquatableList();
        problems.AddRange(targetChanges.SelectMany(t => ForeignAddressConflicts(t.Target, t.Observed, t.Change.Objects!)));
        problems.AddRange(VniConflicts(targets.Select(t => t.Target).ToList(), deletions.Select(d => d.Interface).ToHashSet(StringComparer.Ordinal), host));
        return new ReconcilePlan(gateChanges, EquatableList<ExtensionStep>.Empty, problems.ToEquatableList())
        {
            FailoverRisks = Reconcile.Plan.FailoverRisks.Of(desired, gateChanges.SelectMany(c => c.Steps)).ToEquatableList(),
        };
    }

    /// <summary>
    /// The kernel allows one IPv4 VXLAN device per VNI and destination port, whatever its local address or underlay:
    /// a target that would share both with a device that stays (foreign, or gatectl's and left alone) cannot be created.
    /// </summary>
    private static IEnumerable<PlanProblem> VniConflicts(IReadOnlyList<GateTarget> targets, HashSet<string> deleted, ObservedHost host)
    {
        var targeted = targets.Select(t => t.Interface).ToHashSet(StringComparer.Ordinal);
        var staying = host.OtherVxlans
            .Concat(host.Gates.Select(g => g.Device))
            .Where(d => d.Vxlan is not null && !targeted.Contains(d.Name) && !deleted.Contains(d.Name))
            .Select(d => (d.Name, d.Vxlan!.Vni, d.Vxlan.Port, Owner: d.IsGatectls ? $"gatectl's gate '{d.OwnerGate}'" : "not gatectl's"));
        var planned = targets.Select(t => (Name: t.Interface, t.Device.Vni, t.Device.Port, Owner: $"gate '{t.Gate}' in this file"));
        var all = staying.Concat(planned).ToList();
        foreach (var target in targets)
        {
            var clash = all.FirstOrDefault(d => d.Name != target.Interface && d.Vni == target.Device.Vni && d.Port == target.Device.Port);
            if (clash.Name is not null)
            {
                yield return new PlanProblem(target.Gate, target.Interface,
                    $"VNI {target.Device.Vni} on port {target.Device.Port} is already used by vxlan device {clash.Name} ({clash.Owner}); "
                    + "the kernel allows one device per VNI and port: remove that device or choose another VNI");
            }
        }
    }

    /// <summary>Plans the way back from <paramref name="current"/> to a checkpoint: gatectl's devices as they were, new ones deleted.</summary>
    public static ReconcilePlan PlanRestore(ObservedHost checkpoint, ObservedHost current)
    {
        var targets = checkpoint.Gates.Where(g => g.IsGatectls && g.Device.IsVxlan).Select(GateTarget.FromObserved).ToList();
        var restored = targets.Select(t => t.Interface).ToHashSet(StringComparer.Ordinal);
        // A device adopted by this apply is the same device (same ifindex) it was before: it is given back, never deleted.
        var adopted = current.Gates
            .Where(g => g.IsGatectls && !restored.Contains(g.Interface)
                && checkpoint.Find(g.Interface) is { IsGatectls: false } before && before.Device.IsVxlan && before.Device.Index == g.Device.Index)
            .ToList();
        var released = adopted.Select(g => g.Interface).ToHashSet(StringComparer.Ordinal);
        var deletions = current.Gates
            .Where(g => g.IsGatectls && !restored.Contains(g.Interface) && !released.Contains(g.Interface))
            .Select(g => Deletion(new DeleteDevice(g.Device.OwnerGate!, g.Interface, "it did not exist before this apply"), current));
        var changes = deletions
            .Concat(targets.Select(t => Change(t, current.Find(t.Interface))))
            .Concat(adopted.Select(g => Release(checkpoint.Find(g.Interface)!, g)))
            .ToEquatableList();
        return new ReconcilePlan(changes, EquatableList<ExtensionStep>.Empty, EquatableList<PlanProblem>.Empty);
    }

    private static GateChange Deletion(PlanStep delete, ObservedHost host) =>
        new(delete.Gate, delete.Interface, GateObjects.Of(delete.Gate, delete.Interface, null, host.Find(delete.Interface)), new EquatableList<PlanStep>([delete]));

    /// <summary>The change that turns one observed device (or none) into the target.</summary>
    private static GateChange Change(GateTarget target, ObservedGate? observed)
    {
        var objects = GateObjects.Of(target.Gate, target.Interface, target, observed);
        return new GateChange(target.Gate, target.Interface, objects, PlanGate(objects, observed).ToEquatableList());
    }

    /// <summary>
    /// The steps that clear <paramref name="objects"/>' pending views. <paramref name="observed"/> is read only for the
    /// addresses on the device that are not gatectl's: one the target wants is left alone, never added twice.
    /// </summary>
    private static List<PlanStep> PlanGate(GateObjects objects, ObservedGate? observed)
    {
        var (gate, name) = (objects.Gate, objects.Interface);
        var want = objects.DesiredDevice ?? throw new ArgumentException($"gate {gate} has no desired device to plan", nameof(objects));
        var spec = want.Vxlan!;
        var have = objects.ObservedDevice;
        var steps = new List<PlanStep>();
        var fresh = true;
        if (have is null)
        {
            steps.Add(new CreateDevice(gate, name, spec));
        }
        else if (RecreateReason(want, have) is { } reason)
        {
            steps.Add(new RecreateDevice(gate, name, spec, reason));
        }
        else
        {
            fresh = false;
        }

        // A device made anew has none of gatectl's objects yet: everything the target wants is pending, nothing to delete.
        var pending = fresh ? objects.OnNewDevice() : objects;
        var up = !fresh && have!.Up;

        steps.InsertRange(0, [
            .. pending.Routes.PendingDeletions.Select(r => new RemoveRoute(gate, name, r.Route.Destination, r.Route.Gateway)),
            .. pending.Floods.PendingDeletions.Select(f => new RemoveFlood(gate, name, f.Destination)),
            .. pending.Addresses.PendingDeletions.Select(a => new RemoveAddress(gate, name, a.Address)),
        ]);
        if (!fresh && have!.Vxlan!.Mtu != spec.Mtu)
        {
            steps.Add(new SetMtu(gate, name, spec.Mtu, have.Vxlan.Mtu));
        }

        // A foreign address the target wants stays foreign on an existing device (adoption marks it first).
        var foreignAddresses = observed?.Addresses.Where(a => !a.IsOwned).Select(a => a.Address).ToHashSet() ?? [];
        steps.AddRange(pending.Addresses.PendingUpdates
            .Where(a => fresh || !foreignAddresses.Contains(a.Address))
            .Select(a => new AddAddress(gate, name, a.Address)));
        if (up != want.Up && (want.Up || !fresh))
        {
            steps.Add(new SetUp(gate, name, want.Up));
        }

        steps.AddRange(pending.Floods.PendingUpdates.Select(f => new AddFlood(gate, name, f.Destination)));
        if (want.Up)
        {
            // A down link has no routes (the kernel flushes them), so only an up target gets its routes back.
            steps.AddRange(pending.Routes.PendingUpdates.Select(r => new AddRoute(gate, name, r.Route.Destination, r.Route.Gateway)));
        }

        return steps;
    }

    /// <summary>
    /// The steps that take over a foreign VXLAN device whose fixed attributes match (<c>adopt: true</c>), without a packet
    /// lost: its alias is set, the address the gate wants gets gatectl's metric in place, and from then on it is planned
    /// as gatectl's own: flood entries the state wants stay, permanent all-zero ones it does not want go (the only FDB
    /// entries gatectl owns), every other foreign object on it (other FDB entries, addresses, routes) stays untouched.
    /// A device whose fixed attributes differ is recreated by <see cref="PlanGate"/> instead (<c>adoptMayRecreate</c>).
    /// </summary>
    private static GateChange Adoption(GateTarget target, ObservedGate observed)
    {
        var objects = GateObjects.Of(target.Gate, target.Interface, target, observed);
        if (RecreateReason(objects.DesiredDevice!, objects.ObservedDevice!) is not null)
        {
            return new GateChange(target.Gate, target.Interface, objects, PlanGate(objects, observed).ToEquatableList());
        }

        var (gate, name) = (target.Gate, target.Interface);
        var marked = observed.Addresses.Where(a => !a.IsOwned && target.Addresses.Contains(a.Address)).ToList();
        var asOwned = observed with
        {
            Device = observed.Device with { Alias = Ownership.AliasFor(gate) },
            Addresses = observed.Addresses.Select(a => marked.Contains(a) ? a with { Metric = Ownership.AddressMetric } : a).ToEquatableList(),
        };
        return new GateChange(gate, name, objects, new EquatableList<PlanStep>([
            new AdoptDevice(gate, name, observed.Device.Index, observed.Device.Alias),
            .. marked.Select(a => new SetAddressMetric(gate, name, a.Address, Ownership.AddressMetric, a.Metric)),
            .. PlanGate(GateObjects.Of(gate, name, target, asOwned), asOwned),
        ]));
    }

    /// <summary>
    /// Gives back a device this apply adopted: what it had before (flood entries, MTU, state), then its metrics and alias.
    /// Its objects are the device as it was, still under the mark the release then takes off.
    /// </summary>
    private static GateChange Release(ObservedGate before, ObservedGate current)
    {
        var owner = current.Device.OwnerGate!;
        var nowMarked = current.OwnedAddresses.ToHashSet();
        var unmark = before.Addresses.Where(a => !a.IsOwned && nowMarked.Contains(a.Address)).ToList();
        var beforeAsOwned = before with
        {
            Device = before.Device with { Alias = Ownership.AliasFor(owner) },
            Addresses = before.Addresses.Select(a => unmark.Contains(a) ? a with { Metric = Ownership.AddressMetric } : a).ToEquatableList(),
        };
        var objects = GateObjects.Of(owner, current.Interface, GateTarget.FromObserved(beforeAsOwned), current);
        return new GateChange(owner, current.Interface, objects, new EquatableList<PlanStep>([
            .. PlanGate(objects, current),
            .. unmark.Select(a => new SetAddressMetric(owner, current.Interface, a.Address, a.Metric, Ownership.AddressMetric)),
            new ReleaseDevice(owner, current.Interface, before.Device.Alias),
        ]));
    }

    /// <summary>Why the device must be recreated (fixed attributes differ, or it belongs to a renamed gate), or null.</summary>
    private static string? RecreateReason(DeviceObject want, DeviceObject have)
    {
        var changes = FixedAttributeChanges(want, have);
        var owner = have.Owner;
        var renamed = owner is not null && owner != want.Owner ? $"it belongs to gate '{owner}', no longer in the state file" : null;
        var foreign = owner is null ? "it is not gatectl's and adoptMayRecreate is set" : null;
        return (changes, renamed) switch
        {
            (null, _) => renamed,
            (_, null) => foreign is null ? changes : changes + "; " + foreign,
            _ => changes + "; " + renamed,
        };
    }

    /// <summary>
    /// Which fixed attributes of the observed device differ from the target's (the ones the kernel cannot change in place,
    /// plus learning, which gatectl also sets only at creation), as "VNI 10 -> 20, ... cannot change in place", or null.
    /// </summary>
    private static string? FixedAttributeChanges(DeviceObject target, DeviceObject observed)
    {
        var vxlan = observed.Vxlan;
        if (vxlan is null)
        {
            return $"it is a {observed.Kind} device, not vxlan";
        }

        var changes = new List<string>();
        var want = target.Vxlan!;
        Compare("VNI", vxlan.Vni, want.Vni);
        Compare("local", vxlan.Local, want.Local);
        Compare("underlay", vxlan.Underlay, want.Underlay);
        Compare("port", vxlan.Port, want.Port);
        Compare("source ports", vxlan.SourcePorts, want.SourcePorts);
        Compare("learning", vxlan.Learning, want.Learning);
        return changes.Count == 0 ? null : string.Join(", ", changes) + " cannot change in place";

        void Compare<T>(string what, T have, T wanted)
        {
            if (!EqualityComparer<T>.Default.Equals(have, wanted))
            {
                changes.Add($"{what} {Show(have)} -> {Show(wanted)}");
            }
        }
    }

    private static string Show<T>(T value) => value switch
    {
        null => "none",
        bool b => b ? "on" : "off",
        _ => value.ToString() ?? "none",
    };

    private static string NotGatectlsMessage(ObservedDevice device, GateAdoption adoption) =>
        $"interface {device.Name} exists and is not gatectl's (kind {(device.Kind.Length == 0 ? "unknown" : device.Kind)}"
        + (device.Alias is null ? "" : $", alias '{device.Alias}'")
        + "): choose another interface name or remove it"
        + (!device.IsVxlan ? adoption == GateAdoption.Off ? "" : " (adopt takes over VXLAN devices only)"
            : "; or set adopt: true on the gate to take it over in place (docs/migration.md)");

    private static string AdoptionMismatchMessage(string name, string changes) =>
        $"interface {name} is a vxlan device gatectl did not make, and adopting it would recreate it: {changes}, "
        + "so its traffic would stop while it is deleted and created again. Make the state match the device "
        + $"(gatectl import --interface {name} prints it as a state), or set adoptMayRecreate: true to accept the recreate";

    private static IEnumerable<PlanProblem> ForeignAddressConflicts(GateTarget target, ObservedGate? observed, GateObjects objects)
    {
        if (observed is null || !observed.IsGatectls || RecreateReason(objects.DesiredDevice!, objects.ObservedDevice!) is not null)
        {
            yield break;
        }

        foreach (var address in observed.Addresses.Where(a => !a.IsOwned && target.Addresses.Contains(a.Address)))
        {
            yield return new PlanProblem(target.Gate, target.Interface,
                $"address {address.Address} on {target.Interface} was added without gatectl's metric {Ownership.AddressMetric}: "
                + $"remove it (ip addr del {address.Address} dev {target.Interface}) and apply again");
        }
    }
}
