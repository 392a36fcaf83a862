using System.Net;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Reconcile.Plan;

/// <summary>
/// One of gatectl's kernel objects as the planner compares it: a value with no interface index or kernel handle,
/// named by a natural key: a device by its name, an object on a device by what it is there (an address, a flood
/// entry's destination, a route's destination and next hop). Records with one key are the same object; when their
/// values differ the object needs an update.
/// </summary>
/// <param name="Interface">The device the object is (or is on).</param>
internal abstract record KernelObject(string Interface)
{
    /// <summary>
    /// What names the object across observations and recreations, among the objects of its kind on its device (so not
    /// the device's name again: a delta is one device's). A method, not a property, so the records' generated equality
    /// and printing leave it out.
    /// </summary>
    public abstract object NaturalKey();
}

/// <summary>A gate's device: whose mark it carries, what it is, and whether it is up.</summary>
/// <param name="Interface">Device name (the key).</param>
/// <param name="Owner">The gate its alias marks it as; null when it is not gatectl's.</param>
/// <param name="Kind">Link kind.</param>
/// <param name="Vxlan">Its VXLAN attributes and MTU; null when it is not a VXLAN device.</param>
/// <param name="Up">Whether it is administratively up.</param>
internal sealed record DeviceObject(string Interface, string? Owner, string Kind, VxlanDeviceSpec? Vxlan, bool Up) : KernelObject(Interface)
{
    /// <inheritdoc />
    public override object NaturalKey() => Interface;

    /// <summary>The device a target wants.</summary>
    public static DeviceObject Of(GateTarget target) => new(target.Interface, target.Gate, Ownership.VxlanKind, target.Device, target.Up);

    /// <summary>An observed device, without its indexes.</summary>
    public static DeviceObject Of(ObservedDevice device) => new(
        device.Name,
        device.OwnerGate,
        device.Kind,
        device.Vxlan is { } v ? new VxlanDeviceSpec(v.Vni, v.Local, v.UnderlayName, v.Port, v.SourcePorts, v.Learning, device.Mtu) : null,
        device.Up);
}

/// <summary>An address gatectl keeps on a gate's device; the address with its prefix is the key.</summary>
/// <param name="Interface">The device.</param>
/// <param name="Address">Address and prefix length.</param>
internal sealed record AddressObject(string Interface, InterfaceAddress Address) : KernelObject(Interface)
{
    /// <inheritdoc />
    public override object NaturalKey() => Address;
}

/// <summary>A flood entry (all-zero MAC, permanent) of a gate's device; its destination is the key.</summary>
/// <param name="Interface">The device.</param>
/// <param name="Destination">The remote VTEP.</param>
internal sealed record FloodObject(string Interface, IPAddress Destination) : KernelObject(Interface)
{
    /// <inheritdoc />
    public override object NaturalKey() => Destination;
}

/// <summary>A route gatectl keeps through a gate's device; destination and next hop are the key.</summary>
/// <param name="Interface">The device.</param>
/// <param name="Route">Destination and next hop.</param>
internal sealed record RouteObject(string Interface, GateRoute Route) : KernelObject(Interface)
{
    /// <inheritdoc />
    public override object NaturalKey() => Route;
}
