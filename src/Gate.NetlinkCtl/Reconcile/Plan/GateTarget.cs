using System.Net;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Reconcile.Plan;

/// <summary>
/// Exactly what one gate's device should look like in the kernel: made from a <see cref="GateSpec"/> (apply)
/// or from a checkpoint's observation (rollback), so one planner serves both.
/// </summary>
/// <param name="Gate">Gate name (written into the alias).</param>
/// <param name="Interface">Device name.</param>
/// <param name="Device">Fixed VXLAN attributes and MTU.</param>
/// <param name="Up">Whether the device should be up.</param>
/// <param name="Addresses">gatectl's addresses on it.</param>
/// <param name="Floods">Destinations of its flood entries.</param>
/// <param name="Routes">gatectl's routes through it.</param>
internal sealed record GateTarget(
    string Gate,
    string Interface,
    VxlanDeviceSpec Device,
    bool Up,
    EquatableList<InterfaceAddress> Addresses,
    EquatableList<IPAddress> Floods,
    EquatableList<GateRoute> Routes)
{
    /// <summary>The target for a present gate; the default MTU is the underlay's minus the VXLAN overhead.</summary>
    public static GateTarget FromSpec(GateSpec gate, ObservedUnderlay underlay) => new(
        gate.Name,
        gate.Interface,
        new VxlanDeviceSpec(
            gate.Vni, gate.Local, gate.Underlay, gate.Port, gate.SourcePorts, gate.Learning,
            gate.Mtu ?? underlay.Mtu - GateSpec.VxlanOverhead),
        Up: true,
        new EquatableList<InterfaceAddress>([gate.Address]),
        gate.FloodDestinations.ToEquatableList(),
        gate.Routes.Select(r => new GateRoute(r.To, r.Via)).Distinct().ToEquatableList());

    /// <summary>The target that puts an observed gatectl device back as it was (for rollback).</summary>
    public static GateTarget FromObserved(ObservedGate gate)
    {
        var vxlan = gate.Device.Vxlan
            ?? throw new ArgumentException($"{gate.Interface} is not a VXLAN device", nameof(gate));
        return new GateTarget(
            gate.Device.OwnerGate ?? throw new ArgumentException($"{gate.Interface} is not gatectl's", nameof(gate)),
            gate.Interface,
            new VxlanDeviceSpec(vxlan.Vni, vxlan.Local, vxlan.UnderlayName, vxlan.Port, vxlan.SourcePorts, vxlan.Learning, gate.Device.Mtu),
            gate.Device.Up,
            gate.OwnedAddresses.ToEquatableList(),
            gate.OwnedFloods.ToEquatableList(),
            gate.OwnedRoutes.Select(r => new GateRoute(r.Destination, r.Gateway)).ToEquatableList());
    }
}

/// <summary>A route gatectl keeps through a gate's device.</summary>
/// <param name="Destination">Destination prefix.</param>
/// <param name="Gateway">Next hop inside the device subnet (null only when restoring a direct route).</param>
internal sealed record GateRoute(IPNetwork Destination, IPAddress? Gateway);
