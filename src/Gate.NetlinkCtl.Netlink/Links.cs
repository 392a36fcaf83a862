using System.Net;
using System.Net.NetworkInformation;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>A network device as the kernel reports it (<c>ip -d link show</c>).</summary>
/// <param name="Index">The interface index.</param>
/// <param name="Name">The interface name.</param>
public sealed record Link(int Index, string Name)
{
    /// <summary>The IFLA_INFO_KIND ("vxlan", "veth", "dummy", ...), or null for devices without one (loopback, physical).</summary>
    public string? Kind { get; init; }

    /// <summary>The interface flags (ifi_flags): up, running, lower up, ...</summary>
    public LinkFlags Flags { get; init; }

    /// <summary>The RFC 2863 operational state (IFLA_OPERSTATE).</summary>
    public LinkOperState OperState { get; init; }

    /// <summary>The MTU (IFLA_MTU).</summary>
    public int Mtu { get; init; }

    /// <summary>The link-layer address (IFLA_ADDRESS), when the device has one.</summary>
    public PhysicalAddress? Mac { get; init; }

    /// <summary>The interface alias (IFLA_IFALIAS, <c>ip link set X alias A</c>); gatectl marks its devices with it.</summary>
    public string? Alias { get; init; }

    /// <summary>IFLA_LINK: the device this one is stacked on or paired with, when reported.</summary>
    public int? ParentIndex { get; init; }

    /// <summary>IFLA_MASTER: the bridge or bond this device is enslaved to.</summary>
    public int? MasterIndex { get; init; }

    /// <summary>The VXLAN settings when <see cref="Kind"/> is "vxlan".</summary>
    public VxlanSettings? Vxlan { get; init; }

    /// <summary>The device's IPv4 settings (IFLA_AF_SPEC / AF_INET / IFLA_INET_CONF), or null when it has no IPv4 configuration.</summary>
    public Ipv4DeviceConf? Ipv4Conf { get; init; }

    /// <summary>True when the device is administratively up (IFF_UP).</summary>
    public bool IsUp => (Flags & LinkFlags.Up) != 0;
}

/// <summary>
/// A device's IPv4 settings that gatectl reads and sets, the values of <c>net.ipv4.conf.DEV.*</c>: per-device, so
/// setting them needs CAP_NET_ADMIN only (RTM_SETLINK), not a writable <c>/proc/sys</c>.
/// </summary>
/// <param name="Forwarding">IPV4_DEVCONF_FORWARDING: 1 when packets arriving on this device may be forwarded.</param>
/// <param name="RpFilter">IPV4_DEVCONF_RP_FILTER: 0 off, 1 strict, 2 loose (the kernel uses the higher of this and conf/all).</param>
public sealed record Ipv4DeviceConf(uint Forwarding, uint RpFilter)
{
    /// <summary>IPV4_DEVCONF_FORWARDING (linux/ip.h).</summary>
    public const int ForwardingIndex = 1;

    /// <summary>IPV4_DEVCONF_RP_FILTER (linux/ip.h).</summary>
    public const int RpFilterIndex = 8;
}

/// <summary>Interface flags (IFF_* in linux/if.h).</summary>
[Flags]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "Mirrors the kernel's ifi_flags field.")]
public enum LinkFlags : uint
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>IFF_UP: administratively up.</summary>
    Up = 0x1,

    /// <summary>IFF_BROADCAST.</summary>
    Broadcast = 0x2,

    /// <summary>IFF_LOOPBACK.</summary>
    Loopback = 0x8,

    /// <summary>IFF_POINTOPOINT.</summary>
    PointToPoint = 0x10,

    /// <summary>IFF_RUNNING: operationally up.</summary>
    Running = 0x40,

    /// <summary>IFF_NOARP.</summary>
    NoArp = 0x80,

    /// <summary>IFF_PROMISC.</summary>
    Promiscuous = 0x100,

    /// <summary>IFF_MULTICAST.</summary>
    Multicast = 0x1000,

    /// <summary>IFF_LOWER_UP: the carrier is present.</summary>
    LowerUp = 0x10000,

    /// <summary>IFF_DORMANT.</summary>
    Dormant = 0x20000,
}

/// <summary>Operational state (IF_OPER_* in linux/if.h).</summary>
public enum LinkOperState : byte
{
    /// <summary>IF_OPER_UNKNOWN.</summary>
    Unknown = 0,

    /// <summary>IF_OPER_NOTPRESENT.</summary>
    NotPresent = 1,

    /// <summary>IF_OPER_DOWN.</summary>
    Down = 2,

    /// <summary>IF_OPER_LOWERLAYERDOWN.</summary>
    LowerLayerDown = 3,

    /// <summary>IF_OPER_TESTING.</summary>
    Testing = 4,

    /// <summary>IF_OPER_DORMANT.</summary>
    Dormant = 5,

    /// <summary>IF_OPER_UP.</summary>
    Up = 6,
}

/// <summary>A VXLAN device's UDP source port range as the kernel keeps it (IFLA_VXLAN_PORT_RANGE): half-open, [Low, High).</summary>
/// <param name="Low">First port.</param>
/// <param name="High">One past the last port; <c>High &lt;= Low</c> means the namespace's ephemeral range.</param>
public readonly record struct VxlanPortRange(ushort Low, ushort High)
{
    /// <inheritdoc />
    public override string ToString() => $"{Low}-{High}";
}

/// <summary>
/// Every IFLA_VXLAN_* attribute the kernel reports for a VXLAN device (<c>ip -d link show</c>). Attributes the
/// kernel did not send are null.
/// </summary>
public sealed record VxlanSettings
{
    /// <summary>IFLA_VXLAN_ID: the VNI.</summary>
    public uint Vni { get; init; }

    /// <summary>IFLA_VXLAN_GROUP / GROUP6: the default remote or multicast group.</summary>
    public IPAddress? Group { get; init; }

    /// <summary>IFLA_VXLAN_LOCAL / LOCAL6: the tunnel's source address.</summary>
    public IPAddress? Local { get; init; }

    /// <summary>IFLA_VXLAN_LINK: the underlay device's index.</summary>
    public int? UnderlayIndex { get; init; }

    /// <summary>IFLA_VXLAN_PORT: the UDP destination port.</summary>
    public ushort? Port { get; init; }

    /// <summary>IFLA_VXLAN_PORT_RANGE: the UDP source port range.</summary>
    public VxlanPortRange? SourcePorts { get; init; }

    /// <summary>IFLA_VXLAN_LEARNING: whether remote MACs are learned from received frames.</summary>
    public bool? Learning { get; init; }

    /// <summary>IFLA_VXLAN_TTL: the outer TTL (0 = the kernel's default).</summary>
    public byte? Ttl { get; init; }

    /// <summary>IFLA_VXLAN_TTL_INHERIT: the outer TTL is copied from the inner packet.</summary>
    public bool? TtlInherit { get; init; }

    /// <summary>IFLA_VXLAN_TOS: the outer TOS (1 = inherit).</summary>
    public byte? Tos { get; init; }

    /// <summary>IFLA_VXLAN_DF: the outer don't-fragment policy (0 unset, 1 set, 2 inherit).</summary>
    public byte? Df { get; init; }

    /// <summary>IFLA_VXLAN_LABEL: the IPv6 flow label.</summary>
    public uint? Label { get; init; }

    /// <summary>IFLA_VXLAN_AGEING: seconds before a learned FDB entry expires.</summary>
    public uint? Ageing { get; init; }

    /// <summary>IFLA_VXLAN_LIMIT: most FDB entries (0 = unlimited).</summary>
    public uint? Limit { get; init; }

    /// <summary>IFLA_VXLAN_PROXY: ARP proxy.</summary>
    public bool? Proxy { get; init; }

    /// <summary>IFLA_VXLAN_RSC: route short circuit.</summary>
    public bool? RouteShortCircuit { get; init; }

    /// <summary>IFLA_VXLAN_L2MISS: netlink notifications for L2 misses.</summary>
    public bool? L2Miss { get; init; }

    /// <summary>IFLA_VXLAN_L3MISS: netlink notifications for L3 misses.</summary>
    public bool? L3Miss { get; init; }

    /// <summary>IFLA_VXLAN_UDP_CSUM: UDP checksums on IPv4 outer packets.</summary>
    public bool? UdpChecksum { get; init; }

    /// <summary>IFLA_VXLAN_UDP_ZERO_CSUM6_TX: zero UDP checksums sent over IPv6.</summary>
    public bool? UdpZeroChecksum6Tx { get; init; }

    /// <summary>IFLA_VXLAN_UDP_ZERO_CSUM6_RX: zero UDP checksums accepted over IPv6.</summary>
    public bool? UdpZeroChecksum6Rx { get; init; }

    /// <summary>IFLA_VXLAN_REMCSUM_TX.</summary>
    public bool? RemoteChecksumTx { get; init; }

    /// <summary>IFLA_VXLAN_REMCSUM_RX.</summary>
    public bool? RemoteChecksumRx { get; init; }

    /// <summary>IFLA_VXLAN_REMCSUM_NOPARTIAL.</summary>
    public bool? RemoteChecksumNoPartial { get; init; }

    /// <summary>IFLA_VXLAN_GBP: group-based policy extension.</summary>
    public bool? Gbp { get; init; }

    /// <summary>IFLA_VXLAN_GPE: generic protocol extension.</summary>
    public bool? Gpe { get; init; }

    /// <summary>IFLA_VXLAN_COLLECT_METADATA: external (flow-based) mode.</summary>
    public bool? CollectMetadata { get; init; }

    /// <summary>IFLA_VXLAN_VNIFILTER: per-VNI filtering in external mode.</summary>
    public bool? VniFilter { get; init; }

    /// <summary>IFLA_VXLAN_LOCALBYPASS: local destinations bypass encapsulation.</summary>
    public bool? LocalBypass { get; init; }
}

/// <summary>
/// What to create with <see cref="RtnlClient.VxlanAdd"/>: <c>ip link add NAME [mtu M] [address MAC] type vxlan id VNI
/// local IP dev UNDERLAY dstport P srcport LOW HIGH [no]learning ttl T</c>, then <c>ip link set NAME alias A [up]</c>.
/// </summary>
/// <param name="Name">The device name (at most 15 bytes).</param>
/// <param name="Vni">The VXLAN network identifier (1..16777215).</param>
public sealed record VxlanLinkSpec(string Name, uint Vni)
{
    /// <summary>The tunnel's IPv4 source address, or null to let the kernel choose per packet.</summary>
    public IPAddress? Local { get; init; }

    /// <summary>The underlay device's index (<c>dev</c>), or null for none.</summary>
    public int? UnderlayIndex { get; init; }

    /// <summary>The UDP destination port (<c>dstport</c>).</summary>
    public ushort Port { get; init; } = 4789;

    /// <summary>The UDP source port range (<c>srcport</c>), or null for the kernel's default.</summary>
    public VxlanPortRange? SourcePorts { get; init; }

    /// <summary>Whether the device learns remote MACs (<c>learning</c> / <c>nolearning</c>).</summary>
    public bool Learning { get; init; } = true;

    /// <summary>The outer TTL (<c>ttl</c>), or null for the kernel's default.</summary>
    public byte? Ttl { get; init; }

    /// <summary>The MTU, or null for the kernel's choice (underlay MTU minus 50 when an underlay is given).</summary>
    public int? Mtu { get; init; }

    /// <summary>The MAC address, or null for a random one.</summary>
    public PhysicalAddress? Mac { get; init; }

    /// <summary>The interface alias (IFLA_IFALIAS), e.g. <c>gatectl:NAME</c>, or null for none.</summary>
    public string? Alias { get; init; }

    /// <summary>Whether to bring the device up after creating it.</summary>
    public bool Up { get; init; }
}
