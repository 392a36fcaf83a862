using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Reconcile.Observe;

/// <summary>
/// One observation of the host, in canonical order so two observations compare by value: every gatectl
/// device and every device a request named (with all that is on it), the other VXLAN devices, and the
/// underlays a request named.
/// </summary>
/// <param name="Gates">gatectl's devices, plus any device (of any kind) named as a gate's interface.</param>
/// <param name="OtherVxlans">VXLAN devices that are neither gatectl's nor named by the request: foreign.</param>
/// <param name="Underlays">The requested underlay devices that exist.</param>
internal sealed record ObservedHost(
    EquatableList<ObservedGate> Gates,
    EquatableList<ObservedDevice> OtherVxlans,
    EquatableList<ObservedUnderlay> Underlays)
{
    /// <summary>A host with nothing on it.</summary>
    public static ObservedHost Empty { get; } = new(EquatableList<ObservedGate>.Empty, EquatableList<ObservedDevice>.Empty, EquatableList<ObservedUnderlay>.Empty);

    /// <summary>Builds an observation, sorting every list so equal hosts compare equal whichever backend observed them.</summary>
    public static ObservedHost Create(
        IEnumerable<ObservedGate> gates,
        IEnumerable<ObservedDevice> otherVxlans,
        IEnumerable<ObservedUnderlay> underlays) =>
        new(
            gates.Select(Canonical).OrderBy(g => g.Interface, StringComparer.Ordinal).ToEquatableList(),
            otherVxlans.OrderBy(d => d.Name, StringComparer.Ordinal).ToEquatableList(),
            underlays.OrderBy(u => u.Name, StringComparer.Ordinal).ToEquatableList());

    /// <summary>The device with this name, if it was observed as a gate.</summary>
    public ObservedGate? Find(string interfaceName) => Gates.FirstOrDefault(g => g.Interface == interfaceName);

    /// <summary>The underlay with this name, if it exists.</summary>
    public ObservedUnderlay? FindUnderlay(string name) => Underlays.FirstOrDefault(u => u.Name == name);

    /// <summary>Every foreign object seen: other VXLAN devices and what is not gatectl's on gatectl devices.</summary>
    public IEnumerable<ForeignObject> ForeignObjects =>
        OtherVxlans.Concat(Gates.Where(g => !g.IsGatectls && g.Device.IsVxlan).Select(g => g.Device))
            .Select(d => new ForeignObject(d.Name, ForeignKind.Device,
                $"vxlan device (id {d.Vxlan!.Vni}, port {d.Vxlan.Port}{(d.Alias is null ? "" : $", alias '{d.Alias}'")})"))
            .Concat(Gates.SelectMany(g => g.ForeignObjects));

    /// <summary>The same host without kernel-assigned indexes, to compare hosts across device recreations.</summary>
    public ObservedHost WithoutIndexes() => new(
        Gates.Select(g => g.WithoutIndexes()).ToEquatableList(),
        OtherVxlans.Select(d => d.WithoutIndexes()).ToEquatableList(),
        Underlays.Select(u => u with { Index = 0 }).ToEquatableList());

    private static ObservedGate Canonical(ObservedGate gate) => gate with
    {
        Addresses = gate.Addresses
            .OrderBy(a => a.Address.Address.ToString(), StringComparer.Ordinal).ThenBy(a => a.Address.PrefixLength)
            .ToEquatableList(),
        Fdb = gate.Fdb
            .OrderBy(f => f.Mac, StringComparer.Ordinal).ThenBy(f => f.Destination?.ToString(), StringComparer.Ordinal)
            .ToEquatableList(),
        Routes = gate.Routes
            .OrderBy(r => r.Destination.ToString(), StringComparer.Ordinal).ThenBy(r => r.Gateway?.ToString(), StringComparer.Ordinal)
            .ToEquatableList(),
    };
}

/// <summary>What an observation must cover besides gatectl's own devices.</summary>
/// <param name="Interfaces">Gate interface names to observe whatever they are (so conflicts are seen).</param>
/// <param name="Underlays">Underlay names whose existence and MTU the planner needs.</param>
internal sealed record ObserveRequest(EquatableList<string> Interfaces, EquatableList<string> Underlays)
{
    /// <summary>Only gatectl's own devices (for <c>show</c>).</summary>
    public static ObserveRequest OwnedOnly { get; } = new(EquatableList<string>.Empty, EquatableList<string>.Empty);

    /// <summary>Everything a desired state refers to.</summary>
    public static ObserveRequest For(DesiredState desired) => new(
        desired.Gates.Select(g => g.Interface).Distinct().ToEquatableList(),
        desired.Gates.Where(g => g.State == GatePresence.Present).Select(g => g.Underlay).Distinct().ToEquatableList());

    /// <summary>This request plus another's names.</summary>
    public ObserveRequest Union(ObserveRequest other) => new(
        Interfaces.Concat(other.Interfaces).Distinct().ToEquatableList(),
        Underlays.Concat(other.Underlays).Distinct().ToEquatableList());
}
