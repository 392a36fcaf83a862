using System.Net;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Validation;

/// <summary>
/// Routes: one per destination, each via an inner address inside the device subnet other than the
/// gate's own, and none covering the tunnel's own outer addresses (that traffic would loop into the tunnel).
/// </summary>
internal sealed class RouteRules : IStateRule
{
    public void Check(DesiredState state, RuleContext context)
    {
        for (var i = 0; i < state.Gates.Count; i++)
        {
            var gate = state.Gates[i];
            var gatePath = StatePath.Gate(i);
            var addressPath = StatePath.Key(gatePath, "address");
            var subnetPath = StatePath.Key(gatePath, "deviceSubnet");
            var seen = new Dictionary<IPNetwork, int>();
            for (var r = 0; r < gate.Routes.Count; r++)
            {
                var route = gate.Routes[r];
                var routePath = StatePath.Item(StatePath.Key(gatePath, "routes"), r);
                var toPath = StatePath.Key(routePath, "to");
                var viaPath = StatePath.Key(routePath, "via");
                if (context.IsReadable(toPath) && !seen.TryAdd(route.To, r))
                {
                    context.Report(toPath, $"{route.To} is already routed by routes[{seen[route.To]}]; keep one route per destination");
                }

                CheckNoTunnelRecursion(gate, gatePath, route.To, toPath, context);

                if (route.Via.Equals(gate.Address.Address))
                {
                    context.Report(viaPath, $"{route.Via} is this gate's own inner address; expected the inner address of the host that forwards the traffic", addressPath);
                }
                else if (!gate.DeviceSubnet.Contains(route.Via))
                {
                    context.Report(viaPath, $"{route.Via} is outside the device subnet {gate.DeviceSubnet}; expected a next hop inside it", addressPath, subnetPath);
                }
            }
        }
    }

    private static void CheckNoTunnelRecursion(GateSpec gate, string gatePath, IPNetwork to, string toPath, RuleContext context)
    {
        var outers = new List<(IPAddress Address, string Label)> { (gate.Local, "this gate's local address") };
        outers.AddRange(gate.Endpoints.Select((e, i) => (e, $"endpoints[{i}]")));
        outers.AddRange(gate.Peers.Select((p, i) => (p.Outer, $"the outer address of peers[{i}]")));
        foreach (var (address, label) in outers)
        {
            if (to.Contains(address) && !address.Equals(IPAddress.Any))
            {
                context.Report(toPath,
                    $"{to} covers {address}, {label}; the tunnel's own packets would be routed into the tunnel: route a narrower prefix",
                    StatePath.Key(gatePath, "local"));
                return;
            }
        }
    }
}
