using System.Net;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Validation;

/// <summary>Routes: one per destination, each via an inner address inside the device subnet other than the gate's own.</summary>
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
}
