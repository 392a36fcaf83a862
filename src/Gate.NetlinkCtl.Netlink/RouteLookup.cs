using System.Net;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>
/// The kernel's answer to "how would a packet to this address leave?" (<c>ip route get ADDRESS</c>): the output
/// device, the next hop, the source address the kernel would choose, and the path MTU when the route or a learned
/// exception sets one.
/// </summary>
/// <param name="Destination">The address asked about.</param>
/// <param name="Type">The route type (1 unicast, 2 local, ...).</param>
public sealed record RouteLookup(IPAddress Destination, byte Type)
{
    /// <summary>RTN_LOCAL: the address is one of this host's own.</summary>
    public const byte LocalType = 2;

    /// <summary>The output device's index (RTA_OIF), or null.</summary>
    public int? OutputIndex { get; init; }

    /// <summary>The next hop (RTA_GATEWAY), or null when the destination is on the link.</summary>
    public IPAddress? Gateway { get; init; }

    /// <summary>The source address the kernel would pick (RTA_PREFSRC), or null.</summary>
    public IPAddress? PreferredSource { get; init; }

    /// <summary>The routing table the answer came from.</summary>
    public uint Table { get; init; }

    /// <summary>The route's MTU metric or a learned path MTU (RTAX_MTU), or null when neither is set.</summary>
    public int? Mtu { get; init; }
}
