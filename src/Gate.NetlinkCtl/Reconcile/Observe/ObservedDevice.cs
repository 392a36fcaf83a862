using System.Net;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Reconcile.Observe;

/// <summary>A network device as the kernel reports it, with the attributes gatectl compares.</summary>
/// <param name="Name">Interface name.</param>
/// <param name="Index">Kernel interface index (changes when a device is recreated).</param>
/// <param name="Kind">Link kind (<c>vxlan</c>, <c>veth</c>, ...; empty for devices without one).</param>
/// <param name="Alias">The ifalias, or null; <c>gatectl:&lt;gate&gt;</c> marks gatectl's devices.</param>
/// <param name="Mtu">Current MTU.</param>
/// <param name="Up">Whether the device is administratively up (IFF_UP).</param>
/// <param name="Vxlan">VXLAN attributes, for VXLAN devices only.</param>
internal sealed record ObservedDevice(
    string Name,
    int Index,
    string Kind,
    string? Alias,
    int Mtu,
    bool Up,
    ObservedVxlan? Vxlan)
{
    /// <summary>The gate this device belongs to according to its alias, or null when it is not gatectl's.</summary>
    public string? OwnerGate => IsVxlan ? Ownership.GateOfAlias(Alias) : null;

    /// <summary>True when this is a VXLAN device carrying gatectl's alias.</summary>
    public bool IsGatectls => OwnerGate is not null;

    /// <summary>True for VXLAN devices.</summary>
    public bool IsVxlan => Kind == Ownership.VxlanKind && Vxlan is not null;

    /// <summary>The same device without its kernel-assigned indexes, to compare hosts across recreations.</summary>
    public ObservedDevice WithoutIndexes() => this with { Index = 0, Vxlan = Vxlan is null ? null : Vxlan with { UnderlayIndex = 0 } };
}

/// <summary>The VXLAN attributes the kernel fixes at creation (all but <see cref="Learning"/> cannot change in place).</summary>
/// <param name="Vni">VXLAN network identifier.</param>
/// <param name="Local">Tunnel source address, or null when unset.</param>
/// <param name="UnderlayName">Name of the underlay device, or null when none is bound (or it is gone).</param>
/// <param name="UnderlayIndex">Index of the underlay device, 0 when none.</param>
/// <param name="Port">UDP destination port.</param>
/// <param name="SourcePorts">UDP source port range.</param>
/// <param name="Learning">Whether the device learns remote MACs.</param>
internal sealed record ObservedVxlan(
    uint Vni,
    IPAddress? Local,
    string? UnderlayName,
    int UnderlayIndex,
    ushort Port,
    PortRange SourcePorts,
    bool Learning);

/// <summary>A device a gate's VXLAN device sits on, observed for its existence and MTU.</summary>
/// <param name="Name">Interface name.</param>
/// <param name="Index">Kernel interface index.</param>
/// <param name="Mtu">Its MTU; a gate's default MTU is this minus <see cref="GateSpec.VxlanOverhead"/>.</param>
/// <param name="Up">Whether it is administratively up.</param>
internal sealed record ObservedUnderlay(string Name, int Index, int Mtu, bool Up);
