namespace Gate.NetlinkCtl.Netlink;

/// <summary>Whether an event reports an object appearing/changing or disappearing.</summary>
public enum RtnlChange
{
    /// <summary>RTM_NEW*: the object was created or changed.</summary>
    New,

    /// <summary>RTM_DEL*: the object was deleted.</summary>
    Deleted,
}

/// <summary>The rtnetlink multicast groups a <see cref="RtnlEventListener"/> can subscribe to.</summary>
[Flags]
public enum RtnlEventGroups
{
    /// <summary>No group.</summary>
    None = 0,

    /// <summary>RTNLGRP_LINK: devices.</summary>
    Link = 1,

    /// <summary>RTNLGRP_NEIGH: neighbours and bridge FDB entries.</summary>
    Neighbour = 2,

    /// <summary>RTNLGRP_IPV4_IFADDR: IPv4 addresses.</summary>
    Ipv4Address = 4,

    /// <summary>RTNLGRP_IPV4_ROUTE: IPv4 routes.</summary>
    Ipv4Route = 8,

    /// <summary>RTNLGRP_IPV4_NETCONF: a device's IPv4 settings (forwarding, rp_filter) changed, as a sysctl write announces it.</summary>
    Ipv4Netconf = 16,

    /// <summary>All of the above.</summary>
    All = Link | Neighbour | Ipv4Address | Ipv4Route | Ipv4Netconf,
}

/// <summary>A change the kernel announced (<c>ip monitor</c>).</summary>
public abstract record RtnlEvent;

/// <summary>A device appeared, changed or went away (RTM_NEWLINK/RTM_DELLINK).</summary>
/// <param name="Change">New/changed or deleted.</param>
/// <param name="Link">The device as the kernel reported it.</param>
public sealed record LinkEvent(RtnlChange Change, Link Link) : RtnlEvent;

/// <summary>An IPv4 address appeared or went away (RTM_NEWADDR/RTM_DELADDR).</summary>
/// <param name="Change">New/changed or deleted.</param>
/// <param name="Address">The address.</param>
public sealed record AddressEvent(RtnlChange Change, LinkAddress Address) : RtnlEvent;

/// <summary>A bridge FDB entry appeared, changed or went away (RTM_NEWNEIGH/RTM_DELNEIGH, AF_BRIDGE).</summary>
/// <param name="Change">New/changed or deleted.</param>
/// <param name="Entry">The entry.</param>
public sealed record FdbEvent(RtnlChange Change, FdbEntry Entry) : RtnlEvent;

/// <summary>An IP neighbour appeared, changed or went away (RTM_NEWNEIGH/RTM_DELNEIGH, AF_INET/AF_INET6).</summary>
/// <param name="Change">New/changed or deleted.</param>
/// <param name="Neighbour">The neighbour.</param>
public sealed record NeighbourEvent(RtnlChange Change, Neighbour Neighbour) : RtnlEvent;

/// <summary>An IPv4 route appeared, changed or went away (RTM_NEWROUTE/RTM_DELROUTE).</summary>
/// <param name="Change">New/changed or deleted.</param>
/// <param name="Route">The route.</param>
public sealed record RouteEvent(RtnlChange Change, Ipv4Route Route) : RtnlEvent;

/// <summary>
/// A device's IPv4 settings changed (RTM_NEWNETCONF): <c>sysctl -w net.ipv4.conf.DEV.forwarding=0</c> announces itself
/// so, not as a link change.
/// </summary>
/// <param name="InterfaceIndex">The device's index; -1 for conf/all, -2 for conf/default.</param>
public sealed record Ipv4SettingsEvent(int InterfaceIndex) : RtnlEvent;

/// <summary>
/// The kernel dropped events because the listener fell behind (ENOBUFS): what it has seen is incomplete, so the
/// consumer should read the whole state again.
/// </summary>
public sealed record EventsLost : RtnlEvent;
