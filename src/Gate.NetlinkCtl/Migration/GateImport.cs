using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Migration;

/// <summary>
/// Writes what a host's Gate is now as a gate of the state file, with <c>adopt: true</c>: applying it takes the device
/// over and changes nothing but gatectl's ownership marks (the device's alias, its address's metric).
/// </summary>
internal static class GateImport
{
    /// <summary>The gate the vendor's script made from <paramref name="arguments"/>, named <paramref name="name"/>.</summary>
    /// <remarks>
    /// What the script leaves, attribute by attribute: port 4789; <c>srcport 4789 4789</c>, which the kernel reads as no
    /// range (<c>sourcePorts: any</c>); learning on (the kernel's default); the MTU the kernel derives (underlay - 50,
    /// gatectl's default too); one all-zero flood entry per VPG_IP.
    /// </remarks>
    public static GateSpec FromScript(VendorScriptArguments arguments, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return new GateSpec(
            name ?? arguments.VxlanInterface,
            arguments.VxlanInterface,
            arguments.Vni,
            arguments.PhysicalInterface,
            arguments.PhysicalAddress,
            GateSpec.DefaultPort,
            PortRange.Any,
            arguments.VxlanAddress,
            arguments.VxlanAddress.Network,
            Mtu: null,
            Learning: true,
            arguments.VpgAddresses.Distinct().ToEquatableList(),
            EquatableList<PeerSpec>.Empty,
            EquatableList<RouteSpec>.Empty,
            GatePresence.Present)
        {
            Adoption = GateAdoption.InPlace,
        };
    }

    /// <summary>
    /// The gate a VXLAN device on the host is now (made by hand or by the script): its fixed attributes, its one IPv4
    /// address, its MTU (left out when it is gatectl's default), and its permanent all-zero flood entries as endpoints.
    /// Returns the reason instead when the device cannot be a gate.
    /// </summary>
    public static (GateSpec? Gate, string? Problem) FromObserved(ObservedGate observed, ObservedHost host, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(host);
        var device = observed.Device;
        if (device.Vxlan is not { } vxlan)
        {
            return (null, $"{device.Name} is a {(device.Kind.Length == 0 ? "non-vxlan" : device.Kind)} device, not vxlan: only a VXLAN device can be a gate");
        }

        if (device.IsGatectls)
        {
            return (null, $"{device.Name} is already gatectl's (gate '{device.OwnerGate}'): gatectl show prints it");
        }

        if (vxlan.Local is null || vxlan.UnderlayName is null)
        {
            return (null, $"{device.Name} has no {(vxlan.Local is null ? "local address" : "underlay device")}; a gate needs both "
                + "(ip link add ... local OUTER dev UNDERLAY), so adopting it cannot keep it: give gatectl a new gate instead");
        }

        if (observed.Addresses.Count != 1)
        {
            return (null, $"{device.Name} has {observed.Addresses.Count} IPv4 addresses; a gate has exactly one (this peer's inner address): "
                + "remove the others, or add the inner address, and import again");
        }

        var address = observed.Addresses[0].Address;
        var underlay = host.FindUnderlay(vxlan.UnderlayName);
        int? mtu = underlay is not null && underlay.Mtu - GateSpec.VxlanOverhead == device.Mtu ? null : device.Mtu;
        var floods = observed.Fdb.Where(f => f.IsOwnedFlood).Select(f => f.Destination!).Distinct().ToEquatableList();
        return (new GateSpec(
            name ?? device.Name,
            device.Name,
            vxlan.Vni,
            vxlan.UnderlayName,
            vxlan.Local,
            vxlan.Port,
            vxlan.SourcePorts,
            address,
            address.Network,
            mtu,
            vxlan.Learning,
            floods,
            EquatableList<PeerSpec>.Empty,
            EquatableList<RouteSpec>.Empty,
            GatePresence.Present)
        {
            Adoption = GateAdoption.InPlace,
        }, null);
    }

    /// <summary>A whole state file holding <paramref name="gates"/> and default host settings.</summary>
    public static DesiredState ToState(IEnumerable<GateSpec> gates, BackendKind backend = BackendKind.Auto) =>
        new(StateSchema.ApiVersion, StateSchema.Kind, HostSettings.Default with { Backend = backend }, gates.ToEquatableList());
}
