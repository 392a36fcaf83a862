using System.Net;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>An IPv4 route (<c>ip route show table all</c>).</summary>
/// <param name="Destination">The destination prefix (0.0.0.0/0 for the default route).</param>
public sealed record Ipv4Route(IPNetwork Destination)
{
    /// <summary>The next hop (RTA_GATEWAY, <c>via</c>), or null for a directly connected route.</summary>
    public IPAddress? Gateway { get; init; }

    /// <summary>The output device's index (RTA_OIF, <c>dev</c>), or null.</summary>
    public int? OutputIndex { get; init; }

    /// <summary>The routing protocol that owns the route (<c>proto</c>); gatectl marks its routes with <see cref="RouteProtocols.Gatectl"/>.</summary>
    public byte Protocol { get; init; } = RouteProtocols.Boot;

    /// <summary>The routing table (<c>table</c>); 254 is main.</summary>
    public uint Table { get; init; } = RouteTables.Main;

    /// <summary>The metric (RTA_PRIORITY, <c>metric</c>), or null for none.</summary>
    public uint? Priority { get; init; }

    /// <summary>The scope (0 universe, 253 link, 254 host), or null to choose like <c>ip route</c> (link without a gateway).</summary>
    public byte? Scope { get; init; }

    /// <summary>The route type (1 unicast, 2 local, 3 broadcast, ...).</summary>
    public byte Type { get; init; } = 1;

    /// <summary>The preferred source address (RTA_PREFSRC, <c>src</c>), or null.</summary>
    public IPAddress? PreferredSource { get; init; }

    /// <summary>The route as <c>ip route</c> prints it.</summary>
    public override string ToString() =>
        $"{Destination}{(Gateway is null ? "" : $" via {Gateway}")}{(OutputIndex is null ? "" : $" dev #{OutputIndex}")} proto {Protocol} table {Table}";
}

/// <summary>Well-known route protocol numbers (RTPROT_* in linux/rtnetlink.h) and gatectl's own.</summary>
public static class RouteProtocols
{
    /// <summary>RTPROT_KERNEL: made by the kernel (e.g. prefix routes of addresses).</summary>
    public const byte Kernel = 2;

    /// <summary>RTPROT_BOOT: <c>ip route add</c>'s default.</summary>
    public const byte Boot = 3;

    /// <summary>RTPROT_STATIC.</summary>
    public const byte Static = 4;

    /// <summary>gatectl's own protocol number: routes with it are gatectl's.</summary>
    public const byte Gatectl = 147;
}

/// <summary>Well-known routing tables (RT_TABLE_* in linux/rtnetlink.h).</summary>
public static class RouteTables
{
    /// <summary>RT_TABLE_MAIN.</summary>
    public const uint Main = 254;

    /// <summary>RT_TABLE_LOCAL.</summary>
    public const uint Local = 255;
}
