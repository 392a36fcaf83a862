using System.Net;
using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink;

public sealed partial class RtnlClient
{
    /// <summary>
    /// Asks the kernel how a packet to <paramref name="destination"/> would be routed: <c>ip route get ADDRESS</c>.
    /// Throws <see cref="NetlinkException"/> when there is no route (ENETUNREACH, EHOSTUNREACH, ...).
    /// </summary>
    public RouteLookup RouteGet(IPAddress destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        lock (_sync)
        {
            var w = new NetlinkWriter(_request);
            LookupCodec.WriteRouteGet(ref w, destination);
            return _connection.Get(_request.AsSpan(0, w.Length), $"RTM_GETROUTE {destination}", (in NlMsgHeader h, ReadOnlySpan<byte> p) => LookupCodec.DecodeRoute(h, p, destination));
        }
    }

    /// <summary>A device's counters (IFLA_STATS64), or null when the device does not exist: <c>ip -s link show dev X</c>.</summary>
    public LinkCounters? GetLinkCounters(int index) =>
        Get((ref NetlinkWriter w) => LinkCodec.WriteGet(ref w, null, index), $"RTM_GETLINK #{index}", LookupCodec.DecodeCounters);

    /// <summary>
    /// A device's IPv4 netconf (rp_filter, forwarding), or of <c>all</c> with <see cref="InterfaceNetconf.All"/>;
    /// null when the device does not exist: <c>ip netconf show dev X</c>.
    /// </summary>
    public InterfaceNetconf? GetNetconf(int index) =>
        Get((ref NetlinkWriter w) => LookupCodec.WriteNetconfGet(ref w, index), $"RTM_GETNETCONF #{index}", LookupCodec.DecodeNetconf);
}
