using System.Net;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Backends.NetworkManager.Profiles;

/// <summary>
/// What gatectl keeps in a gate's NetworkManager profile, as plain values: a VXLAN connection with a fixed
/// interface name, static IPv4 addresses, IPv6 off and autoconnect on (so the gate comes back after a reboot).
/// FDB flood entries and extra routes are not here: a profile cannot express several flood destinations, nor
/// gatectl's route protocol, so gatectl programs those over rtnetlink.
/// </summary>
/// <param name="Gate">The gate's name.</param>
/// <param name="Interface">The VXLAN device name (<c>connection.interface-name</c>).</param>
/// <param name="Vni">VXLAN network identifier (<c>vxlan.id</c>).</param>
/// <param name="Local">Tunnel source address (<c>vxlan.local</c>), or null when the profile has none.</param>
/// <param name="Underlay">Parent device (<c>vxlan.parent</c>), or null when the profile has none.</param>
/// <param name="Port">UDP destination port (<c>vxlan.destination-port</c>).</param>
/// <param name="SourcePorts">UDP source port range (<c>vxlan.source-port-min</c>/<c>-max</c>; 0-0 lets the kernel choose).</param>
/// <param name="Learning">MAC learning (<c>vxlan.learning</c>).</param>
/// <param name="Mtu">MTU (<c>802-3-ethernet.mtu</c>, which NetworkManager applies to VXLAN devices); 0 means automatic.</param>
/// <param name="Addresses">Static IPv4 addresses (<c>ipv4.address-data</c>, method manual).</param>
/// <param name="RouteMetric">Metric of the prefix routes of the addresses (<c>ipv4.route-metric</c>); -1 means NetworkManager's default.</param>
/// <param name="Autoconnect">Whether NetworkManager activates the profile by itself (<c>connection.autoconnect</c>).</param>
internal sealed record VxlanProfile(
    string Gate,
    string Interface,
    uint Vni,
    IPAddress? Local,
    string? Underlay,
    ushort Port,
    PortRange SourcePorts,
    bool Learning,
    int Mtu,
    EquatableList<InterfaceAddress> Addresses,
    long RouteMetric,
    bool Autoconnect)
{
    /// <summary>The profile's connection id (gatectl's ownership mark).</summary>
    public string Id => ProfileIdentity.IdFor(Gate);

    /// <summary>The profile's UUID, derived from the gate name.</summary>
    public Guid Uuid => ProfileIdentity.UuidFor(Gate);

    /// <summary>
    /// True when changing from <paramref name="current"/> to this profile needs a new kernel device: the kernel cannot
    /// change a VXLAN device's VNI, local address, parent, ports or learning in place.
    /// </summary>
    public bool NeedsNewDeviceComparedTo(VxlanProfile current) =>
        Interface != current.Interface
        || Vni != current.Vni
        || !Equals(Local, current.Local)
        || Underlay != current.Underlay
        || Port != current.Port
        || SourcePorts != current.SourcePorts
        || Learning != current.Learning;
}
