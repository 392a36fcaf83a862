namespace Gate.NetlinkCtl.Netlink.Wire;

// Values from /usr/include/linux/{netlink,rtnetlink,if_link,if_addr,neighbour,if_bridge}.h and
// <sys/socket.h>. Names follow the kernel's so they can be looked up there.

/// <summary>Address families used by rtnetlink requests.</summary>
internal static class NlFamily
{
    public const byte Unspec = 0;
    public const byte Inet = 2;
    public const byte Bridge = 7;
    public const byte Inet6 = 10;
    public const ushort Netlink = 16;
}

/// <summary>Control message types (netlink.h).</summary>
internal static class NlMsgType
{
    public const ushort Noop = 1;
    public const ushort Error = 2;
    public const ushort Done = 3;
    public const ushort Overrun = 4;
}

/// <summary>nlmsghdr flags (netlink.h).</summary>
internal static class NlmFlags
{
    public const ushort Request = 0x1;
    public const ushort Multi = 0x2;
    public const ushort Ack = 0x4;
    public const ushort Echo = 0x8;
    public const ushort DumpIntr = 0x10;
    public const ushort DumpFiltered = 0x20;
    public const ushort Root = 0x100;
    public const ushort Match = 0x200;
    public const ushort Dump = Root | Match;
    public const ushort Replace = 0x100;
    public const ushort Excl = 0x200;
    public const ushort Create = 0x400;
    public const ushort Append = 0x800;

    // Flags of an NLMSG_ERROR acknowledgement.
    public const ushort Capped = 0x100;
    public const ushort AckTlvs = 0x200;
}

/// <summary>Extended-ack attributes carried after an NLMSG_ERROR (netlink.h).</summary>
internal static class NlMsgErrAttr
{
    public const ushort Msg = 1;
    public const ushort Offs = 2;
}

/// <summary>Socket options at SOL_NETLINK (netlink.h).</summary>
internal static class NetlinkSockOpt
{
    public const int SolNetlink = 270;
    public const int AddMembership = 1;
    public const int CapAck = 10;
    public const int ExtAck = 11;
    public const int GetStrictChk = 12;
}

/// <summary>rtnetlink message types (rtnetlink.h).</summary>
internal static class RtmType
{
    public const ushort NewLink = 16;
    public const ushort DelLink = 17;
    public const ushort GetLink = 18;
    public const ushort NewAddr = 20;
    public const ushort DelAddr = 21;
    public const ushort GetAddr = 22;
    public const ushort NewRoute = 24;
    public const ushort DelRoute = 25;
    public const ushort GetRoute = 26;
    public const ushort NewNeigh = 28;
    public const ushort DelNeigh = 29;
    public const ushort GetNeigh = 30;
    public const ushort NewNetconf = 80;
    public const ushort GetNetconf = 82;

    /// <summary>The kernel's name of a message type, for error messages.</summary>
    public static string Name(ushort type) => type switch
    {
        NewLink => "RTM_NEWLINK",
        DelLink => "RTM_DELLINK",
        GetLink => "RTM_GETLINK",
        NewAddr => "RTM_NEWADDR",
        DelAddr => "RTM_DELADDR",
        GetAddr => "RTM_GETADDR",
        NewRoute => "RTM_NEWROUTE",
        DelRoute => "RTM_DELROUTE",
        GetRoute => "RTM_GETROUTE",
        NewNeigh => "RTM_NEWNEIGH",
        DelNeigh => "RTM_DELNEIGH",
        GetNeigh => "RTM_GETNEIGH",
        NewNetconf => "RTM_NEWNETCONF",
        GetNetconf => "RTM_GETNETCONF",
        _ => $"message type {type}",
    };
}

/// <summary>rtnetlink multicast groups (rtnetlink.h, enum rtnetlink_groups).</summary>
internal static class RtnlGroup
{
    public const uint Link = 1;
    public const uint Neigh = 3;
    public const uint Ipv4Ifaddr = 5;
    public const uint Ipv4Route = 7;
    public const uint Ipv4Netconf = 24;
}

/// <summary>Attribute header flags and mask (netlink.h).</summary>
internal static class NlaFlags
{
    public const ushort Nested = 0x8000;
    public const ushort NetByteOrder = 0x4000;
    public const ushort TypeMask = unchecked((ushort)~(Nested | NetByteOrder));
}

/// <summary>IFLA_* link attributes (if_link.h).</summary>
internal static class IflaAttr
{
    public const ushort Address = 1;
    public const ushort Broadcast = 2;
    public const ushort IfName = 3;
    public const ushort Mtu = 4;
    public const ushort Link = 5;
    public const ushort Master = 10;
    public const ushort OperState = 16;
    public const ushort LinkInfo = 18;
    public const ushort IfAlias = 20;
    public const ushort Stats64 = 23;
    public const ushort AfSpec = 26;
}

/// <summary>IFLA_INET_* attributes nested in IFLA_AF_SPEC's AF_INET entry (if_link.h), and the netconf message (netconf.h).</summary>
internal static class IflaInet
{
    public const ushort AfInet = 2; // the AF_INET entry of IFLA_AF_SPEC
    public const ushort Conf = 1;   // IFLA_INET_CONF: u32 per IPV4_DEVCONF_* (index - 1) in a dump; nested (type = index) in a set
    public const ushort NewNetconf = 80; // RTM_NEWNETCONF, announced when a per-device sysctl changes
    public const ushort NetconfIfIndex = 1; // NETCONFA_IFINDEX
}

/// <summary>IFLA_INFO_* attributes nested in IFLA_LINKINFO (if_link.h).</summary>
internal static class IflaInfo
{
    public const ushort Kind = 1;
    public const ushort Data = 2;
}

/// <summary>IFLA_VXLAN_* attributes nested in IFLA_INFO_DATA (if_link.h).</summary>
internal static class IflaVxlan
{
    public const ushort Id = 1;
    public const ushort Group = 2;
    public const ushort Link = 3;
    public const ushort Local = 4;
    public const ushort Ttl = 5;
    public const ushort Tos = 6;
    public const ushort Learning = 7;
    public const ushort Ageing = 8;
    public const ushort Limit = 9;
    public const ushort PortRange = 10;
    public const ushort Proxy = 11;
    public const ushort Rsc = 12;
    public const ushort L2Miss = 13;
    public const ushort L3Miss = 14;
    public const ushort Port = 15;
    public const ushort Group6 = 16;
    public const ushort Local6 = 17;
    public const ushort UdpCsum = 18;
    public const ushort UdpZeroCsum6Tx = 19;
    public const ushort UdpZeroCsum6Rx = 20;
    public const ushort RemcsumTx = 21;
    public const ushort RemcsumRx = 22;
    public const ushort Gbp = 23;
    public const ushort RemcsumNoPartial = 24;
    public const ushort CollectMetadata = 25;
    public const ushort Label = 26;
    public const ushort Gpe = 27;
    public const ushort TtlInherit = 28;
    public const ushort Df = 29;
    public const ushort VniFilter = 30;
    public const ushort LocalBypass = 31;
}

/// <summary>IFA_* address attributes (if_addr.h).</summary>
internal static class IfaAttr
{
    public const ushort Address = 1;
    public const ushort Local = 2;
    public const ushort Label = 3;
    public const ushort Broadcast = 4;
    public const ushort Flags = 8;
    public const ushort RtPriority = 9;
}

/// <summary>NDA_* neighbour attributes (neighbour.h).</summary>
internal static class NdaAttr
{
    public const ushort Dst = 1;
    public const ushort LlAddr = 2;
    public const ushort Vlan = 5;
    public const ushort Port = 6;
    public const ushort Vni = 7;
    public const ushort IfIndex = 8;
    public const ushort Master = 9;
    public const ushort SrcVni = 11;
}

/// <summary>RTA_* route attributes (rtnetlink.h).</summary>
internal static class RtaAttr
{
    public const ushort Dst = 1;
    public const ushort Oif = 4;
    public const ushort Gateway = 5;
    public const ushort Priority = 6;
    public const ushort PrefSrc = 7;
    public const ushort Metrics = 8;
    public const ushort Table = 15;
}

/// <summary>RTAX_* route metrics nested in RTA_METRICS (rtnetlink.h).</summary>
internal static class RtaxMetric
{
    public const ushort Mtu = 2;
}

/// <summary>NETCONFA_* attributes of RTM_*NETCONF messages (netconf.h).</summary>
internal static class NetconfAttr
{
    public const ushort IfIndex = 1;
    public const ushort Forwarding = 2;
    public const ushort RpFilter = 3;
}

/// <summary>Bits of ifi_flags (if.h).</summary>
internal static class IffFlags
{
    public const uint Up = 0x1;
}
