using System.Net;

namespace Gate.NetlinkCtl.State;

/// <summary>One gate: a VXLAN device joining this host to a VPG's overlay.</summary>
/// <param name="Name">The gate's name, unique in the file; it marks the device as gatectl's own.</param>
/// <param name="Interface">The VXLAN device name (at most 15 characters).</param>
/// <param name="Vni">VXLAN network identifier (SORACOM's <c>vxlanId</c>).</param>
/// <param name="Underlay">The device that carries the encapsulated traffic.</param>
/// <param name="Local">This peer's outer IPv4 address, the tunnel's source.</param>
/// <param name="Port">UDP destination port.</param>
/// <param name="SourcePorts">UDP source port range.</param>
/// <param name="Address">This peer's inner address with the device subnet's prefix.</param>
/// <param name="DeviceSubnet">The VPG's device subnet.</param>
/// <param name="Mtu">Explicit MTU, or null for the underlay's MTU minus <see cref="VxlanOverhead"/>.</param>
/// <param name="Learning">Whether the device learns remote MAC addresses from received frames.</param>
/// <param name="Endpoints">The VPG's outer IPs; each gets an all-zero FDB entry.</param>
/// <param name="Peers">Other Gate Peers; each gets an all-zero FDB entry too.</param>
/// <param name="Routes">Extra prefixes reached through the overlay.</param>
/// <param name="State">Whether the gate should exist.</param>
internal sealed record GateSpec(
    string Name,
    string Interface,
    uint Vni,
    string Underlay,
    IPAddress Local,
    ushort Port,
    PortRange SourcePorts,
    InterfaceAddress Address,
    IPNetwork DeviceSubnet,
    int? Mtu,
    bool Learning,
    EquatableList<IPAddress> Endpoints,
    EquatableList<PeerSpec> Peers,
    EquatableList<RouteSpec> Routes,
    GatePresence State)
{
    /// <summary>Bytes VXLAN over IPv4 adds to each frame (outer IPv4 20, UDP 8, VXLAN 8, inner Ethernet 14).</summary>
    public const int VxlanOverhead = 50;

    /// <summary>SORACOM's default VNI.</summary>
    public const uint DefaultVni = 10;

    /// <summary>The IANA VXLAN port, which SORACOM requires.</summary>
    public const ushort DefaultPort = 4789;

    /// <summary>Where endpoints and peers come from besides the literal lists, or null for the literal lists only.</summary>
    public SoracomSource? Soracom { get; init; }

    /// <summary>Whether a VXLAN device with this gate's interface name that gatectl did not make may be taken over (<c>adopt</c>).</summary>
    public GateAdoption Adoption { get; init; } = GateAdoption.Off;
    /// <summary>The gate's VRRP pair (a virtual inner address held by keepalived), or null for a single peer.</summary>
    public HaSpec? Ha { get; init; }

    /// <summary>The gate's router role for other hosts of the customer's network, or null when the peer routes nothing.</summary>
    public RoutingSpec? Routing { get; init; }

    /// <summary>The gate's gateway role for the devices' traffic to elsewhere (Junction redirection), or null.</summary>
    public GatewaySpec? Gateway { get; init; }
    /// <summary>Inner addresses <c>gatectl check</c> and the daemon's health probes send ICMP echo to (<c>probe</c>), besides peers' inner addresses.</summary>
    public EquatableList<IPAddress> ProbeTargets { get; init; } = EquatableList<IPAddress>.Empty;

    /// <summary>The daemon's continuous probe of the data path (<c>health</c>), or null for none.</summary>
    public HealthSpec? Health { get; init; }

    /// <summary>Every outer IP that gets an all-zero FDB entry: endpoints first, then peers, without repeats.</summary>
    public IEnumerable<IPAddress> FloodDestinations =>
        Endpoints.Concat(Peers.Select(p => p.Outer)).Distinct();
}

/// <summary>Whether a gate should exist on the host.</summary>
internal enum GatePresence
{
    /// <summary>Create or keep the gate.</summary>
    Present,

    /// <summary>Remove the gate if gatectl made it.</summary>
    Absent,
}

/// <summary>Another Gate Peer on the same overlay.</summary>
/// <param name="Outer">Its outer (underlay) IPv4 address.</param>
/// <param name="Inner">Its inner IPv4 address in the device subnet, when known.</param>
/// <param name="Name">A label for people.</param>
internal sealed record PeerSpec(IPAddress Outer, IPAddress? Inner, string? Name);

/// <summary>A prefix reached through the overlay via an inner next hop.</summary>
/// <param name="To">The destination prefix.</param>
/// <param name="Via">The next hop, inside the device subnet.</param>
internal sealed record RouteSpec(IPNetwork To, IPAddress Via);
