using System.Net;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Validation;

/// <summary>
/// A gate's router role: forwarding needs at least one source network; no source may overlap the device subnet (those
/// hosts are on the overlay itself, not behind the underlay); each source once; masquerade only with forwarding.
/// </summary>
internal sealed class RoutingRules : IStateRule
{
    public void Check(DesiredState state, RuleContext context)
    {
        for (var i = 0; i < state.Gates.Count; i++)
        {
            var gate = state.Gates[i];
            if (gate.Gateway is { } gateway)
            {
                CheckGateway(gate, gateway, StatePath.Key(StatePath.Gate(i), "gateway"), context);
            }

            if (gate.Routing is not { } routing)
            {
                continue;
            }

            var path = StatePath.Key(StatePath.Gate(i), "routing");
            if (routing.Masquerade && !routing.Forward)
            {
                context.Report(StatePath.Key(path, "masquerade"),
                    "masquerade applies to forwarded traffic, and forward is false; set forward: true as well, or leave masquerade out");
            }

            if (routing.Forward && routing.Sources.Count == 0)
            {
                context.Report(StatePath.Key(path, "sources"),
                    "forward is on but no source network is listed; list the networks that may reach the device subnet through this peer, such as [192.0.2.0/24]");
            }

            CheckSources(gate, routing, path, context);
        }
    }

    private static void CheckSources(GateSpec gate, RoutingSpec routing, string routingPath, RuleContext context)
    {
        var sourcesPath = StatePath.Key(routingPath, "sources");
        var subnetPath = StatePath.Key(StatePath.Parent(routingPath), "deviceSubnet");
        var seen = new Dictionary<IPNetwork, int>();
        for (var s = 0; s < routing.Sources.Count; s++)
        {
            var source = routing.Sources[s];
            var path = StatePath.Item(sourcesPath, s);
            if (!context.IsReadable(path))
            {
                continue;
            }

            if (Overlaps(source, gate.DeviceSubnet))
            {
                context.Report(path,
                    $"{source} overlaps the device subnet {gate.DeviceSubnet}; sources are networks behind the underlay, so list them without the device subnet",
                    subnetPath);
            }
            else if (!seen.TryAdd(source, s))
            {
                context.Report(path, $"{source} is already routing.sources[{seen[source]}]; list each network once");
            }
        }
    }

    private static void CheckGateway(GateSpec gate, GatewaySpec gateway, string path, RuleContext context)
    {
        var egressPath = StatePath.Key(path, "egress");
        if (gateway.Egress == gate.Interface)
        {
            context.Report(egressPath, $"'{gateway.Egress}' is the gate itself; expected the interface the devices' traffic leaves by, such as eth0",
                StatePath.Key(StatePath.Parent(path), "interface"));
        }
        else if (gateway.Egress.Length is 0 or > 15 || gateway.Egress.Any(c => char.IsWhiteSpace(c) || c == '/'))
        {
            context.Report(egressPath, $"'{gateway.Egress}' is not an interface name; expected 1..15 characters without spaces or '/'");
        }

        var destinationsPath = StatePath.Key(path, "destinations");
        var subnetPath = StatePath.Key(StatePath.Parent(path), "deviceSubnet");
        var seen = new Dictionary<IPNetwork, int>();
        for (var d = 0; d < gateway.Destinations.Count; d++)
        {
            var destination = gateway.Destinations[d];
            var itemPath = StatePath.Item(destinationsPath, d);
            if (!context.IsReadable(itemPath))
            {
                continue;
            }

            if (destination.PrefixLength > 0 && Overlaps(destination, gate.DeviceSubnet))
            {
                context.Report(itemPath,
                    $"{destination} overlaps the device subnet {gate.DeviceSubnet}; the devices reach their own subnet over the overlay, so list destinations outside it",
                    subnetPath);
            }
            else if (!seen.TryAdd(destination, d))
            {
                context.Report(itemPath, $"{destination} is already gateway.destinations[{seen[destination]}]; list each network once");
            }
        }
    }

    private static bool Overlaps(IPNetwork a, IPNetwork b) => a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress);
}
