using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Tests.Reconcile;

/// <summary>Observations built in code for the planner's unit tests: what the kernel would report for a gate in sync.</summary>
internal static class ObservedHosts
{
    /// <summary>The underlay <c>u0</c>: index 2, MTU 1500, up.</summary>
    public static ObservedUnderlay Underlay { get; } = new("u0", 2, 1500, true);

    /// <summary>What the kernel shows for <paramref name="gate"/> applied to a host whose underlay MTU is 1500.</summary>
    public static ObservedGate InSync(GateSpec gate, int index = 10) => new(
        new ObservedDevice(
            gate.Interface, index, "vxlan", Ownership.AliasFor(gate.Name), gate.Mtu ?? 1450, true,
            new ObservedVxlan(gate.Vni, gate.Local, gate.Underlay, 2, gate.Port, gate.SourcePorts, gate.Learning)),
        new EquatableList<ObservedAddress>([new ObservedAddress(gate.Address, Ownership.AddressMetric)]),
        gate.FloodDestinations.Select(d => new ObservedFdbEntry(Ownership.FloodMac, d, true)).ToEquatableList(),
        gate.Routes.Select(r => new ObservedRoute(r.To, r.Via, Ownership.RouteProtocol)).ToEquatableList());

    /// <summary>A host holding these observed gates and the underlay.</summary>
    public static ObservedHost Host(params ObservedGate[] gates) =>
        ObservedHost.Create(gates, [], [Underlay]);
}
