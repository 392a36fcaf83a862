using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink;

public sealed partial class RtnlClient
{
    /// <summary>IPv4 routes of one table (default main), or of all tables when <paramref name="table"/> is null: <c>ip -4 route show table T|all</c>.</summary>
    public IReadOnlyList<Ipv4Route> GetRoutes(uint? table = RouteTables.Main) =>
        Dump((ref NetlinkWriter w) => RouteCodec.WriteDump(ref w, table), "RTM_GETROUTE dump", RouteCodec.Decode)
            .Where(r => table is null || r.Table == table).ToList();

    /// <summary>Adds a route; EEXIST when it exists: <c>ip route add PREFIX [via GW] [dev X] proto P table T [metric M]</c>.</summary>
    public void RouteAdd(Ipv4Route route) => Execute(RtnlRequests.Route.Add(route));

    /// <summary>Creates or replaces a route: <c>ip route replace PREFIX ...</c>.</summary>
    public void RouteReplace(Ipv4Route route) => Execute(RtnlRequests.Route.Replace(route));

    /// <summary>
    /// Deletes the route matching prefix, table, protocol, and the next hop and metric when given:
    /// <c>ip route del PREFIX ... proto P table T</c>. Returns false when there was none.
    /// </summary>
    public bool RouteDelete(Ipv4Route route)
    {
        var request = RtnlRequests.Route.Delete(route);
        return ExecuteDelete((ref NetlinkWriter w) => request.Write(ref w), request.Describe());
    }
}
