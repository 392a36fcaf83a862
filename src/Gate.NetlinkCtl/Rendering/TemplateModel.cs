using Gate.NetlinkCtl.Backends.NetworkManager.Profiles;
using Gate.NetlinkCtl.Guard;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.State;
using Scriban.Runtime;

namespace Gate.NetlinkCtl.Rendering;

/// <summary>
/// Builds the variables a template sees, as plain Scriban objects (no reflection over records, so it
/// works under native AOT). The names are a user-facing API for custom templates: docs/templates.md
/// documents each one, and changing a name breaks users' templates.
/// </summary>
/// <remarks>
/// Top level: <c>source</c>, <c>gatectl</c>, <c>host</c>, <c>gates</c>, and in per-gate templates <c>gate</c>.
/// Addresses are strings in their usual text form; numbers are integers; absent values are null.
/// </remarks>
internal static class TemplateModel
{
    /// <summary>The variables shared by every template rendered from <paramref name="state"/>.</summary>
    /// <param name="state">The desired state.</param>
    /// <param name="source">How the header comments name the state (usually the file name).</param>
    public static ScriptObject ForState(DesiredState state, string source)
    {
        var gates = new ScriptArray();
        foreach (var gate in state.Gates)
        {
            gates.Add(ForGate(gate));
        }

        var model = new ScriptObject();
        Set(model, "source", source);
        Set(model, "gatectl", Marks());
        Set(model, Var(StateKeys.Root.Host), ForHost(state.Host));
        Set(model, Var(StateKeys.Root.Gates), gates);
        return model;
    }

    /// <summary>The <c>gate</c> object of one gate.</summary>
    public static ScriptObject ForGate(GateSpec gate)
    {
        var endpoints = Strings(gate.Endpoints.Select(e => e.ToString()));
        var peers = new ScriptArray();
        foreach (var peer in gate.Peers)
        {
            var p = new ScriptObject();
            Set(p, Var(StateKeys.Peer.Outer), peer.Outer.ToString());
            Set(p, Var(StateKeys.Peer.Inner), peer.Inner?.ToString());
            Set(p, Var(StateKeys.Peer.Name), peer.Name);
            peers.Add(p);
        }

        var routes = new ScriptArray();
        foreach (var route in gate.Routes)
        {
            var r = new ScriptObject();
            Set(r, Var(StateKeys.Route.To), route.To.ToString());
            Set(r, Var(StateKeys.Route.Via), route.Via.ToString());
            routes.Add(r);
        }

        var g = new ScriptObject();
        Set(g, Var(StateKeys.Gate.Name), gate.Name);
        Set(g, "present", gate.State == GatePresence.Present);
        Set(g, Var(StateKeys.Gate.Interface), gate.Interface);
        Set(g, "alias", Ownership.AliasFor(gate.Name));
        Set(g, "connection_id", ProfileIdentity.IdFor(gate.Name));
        Set(g, "connection_uuid", ProfileIdentity.UuidFor(gate.Name).ToString());
        Set(g, Var(StateKeys.Gate.Vni), (long)gate.Vni);
        Set(g, Var(StateKeys.Gate.Underlay), gate.Underlay);
        Set(g, Var(StateKeys.Gate.Local), gate.Local.ToString());
        Set(g, Var(StateKeys.Gate.Port), (int)gate.Port);
        // ip, networkd and NetworkManager all pass the range to the kernel as written: its half-open form.
        Set(g, "source_port_min", (int)gate.SourcePorts.ToKernel().Min);
        Set(g, "source_port_max", (int)gate.SourcePorts.ToKernel().Max);
        Set(g, Var(StateKeys.Gate.Address), gate.Address.ToString());
        Set(g, "address_ip", gate.Address.Address.ToString());
        Set(g, "prefix_length", gate.Address.PrefixLength);
        Set(g, Var(StateKeys.Gate.DeviceSubnet), gate.DeviceSubnet.ToString());
        Set(g, Var(StateKeys.Gate.Mtu), gate.Mtu);
        Set(g, "mtu_overhead", GateSpec.VxlanOverhead);
        Set(g, Var(StateKeys.Gate.Learning), gate.Learning);
        Set(g, Var(StateKeys.Gate.Endpoints), endpoints);
        Set(g, Var(StateKeys.Gate.Peers), peers);
        Set(g, "flood", Strings(gate.FloodDestinations.Select(d => d.ToString())));
        Set(g, Var(StateKeys.Gate.Routes), routes);
        Set(g, Var(StateKeys.Gate.Ha), gate.Ha is { } ha ? ForHa(ha) : null);
        Set(g, Var(StateKeys.Gate.Routing), gate.Routing is { Active: true } routing ? ForRouting(routing) : null);
        Set(g, Var(StateKeys.Gate.Gateway), gate.Gateway is { } gateway ? ForGateway(gateway) : null);
        return g;
    }

    // Only a routing block that asks for forwarding is rendered: forward: false (or no sources) configures nothing.
    private static ScriptObject ForRouting(RoutingSpec routing)
    {
        var r = new ScriptObject();
        Set(r, Var(StateKeys.Routing.Masquerade), routing.Masquerade);
        Set(r, Var(StateKeys.Routing.Sources), Strings(routing.Sources.Select(s => s.ToString())));
        return r;
    }

    private static ScriptObject ForHa(HaSpec ha)
    {
        var h = new ScriptObject();
        Set(h, Var(StateKeys.Ha.VirtualAddress), ha.VirtualAddress.ToString());
        Set(h, "virtual_address_ip", ha.VirtualAddress.Address.ToString());
        Set(h, Var(StateKeys.Ha.RouterId), (int)ha.RouterId);
        Set(h, Var(StateKeys.Ha.Priority), (int)ha.Priority);
        Set(h, Var(StateKeys.Ha.Peers), Strings(ha.Peers.Select(p => p.ToString())));
        return h;
    }

    // destinations: what the devices may reach, 0.0.0.0/0 when the block lists none.
    private static ScriptObject ForGateway(GatewaySpec gateway)
    {
        var w = new ScriptObject();
        Set(w, Var(StateKeys.Gateway.Egress), gateway.Egress);
        Set(w, Var(StateKeys.Gateway.Masquerade), gateway.Masquerade);
        Set(w, Var(StateKeys.Gateway.Destinations), Strings(Routing.RoutingTable.DestinationsOf(gateway).Select(d => d.ToString())));
        return w;
    }

    private static ScriptObject ForHost(HostSettings host)
    {
        var h = new ScriptObject();
        Set(h, Var(StateKeys.Host.Guard), host.Guard);
        Set(h, Var(StateKeys.Host.Backend), StateKeys.Host.Backend.WordFor(host.Backend));
        return h;
    }

    private static ScriptObject Marks()
    {
        var m = new ScriptObject();
        Set(m, "alias_prefix", Ownership.AliasPrefix);
        Set(m, "address_metric", (long)Ownership.AddressMetric);
        Set(m, "route_protocol", (int)Ownership.RouteProtocol);
        Set(m, "guard_family", GuardTable.Family);
        Set(m, "guard_table", GuardTable.Name);
        Set(m, "routing_family", Routing.RoutingTable.Family);
        Set(m, "routing_table", Routing.RoutingTable.Name);
        return m;
    }

    private static ScriptArray Strings(IEnumerable<string> values)
    {
        var array = new ScriptArray();
        foreach (var value in values)
        {
            array.Add(value);
        }

        return array;
    }

    // A variable that mirrors a state key is that key in snake_case (deviceSubnet -> device_subnet); the others are
    // the model's own (present, alias, address_ip, flood ...).
    private static string Var(SchemaKey key)
    {
        var name = new System.Text.StringBuilder(key.Name.Length + 4);
        foreach (var c in key.Name)
        {
            name.Append(char.IsAsciiLetterUpper(c) ? "_" + char.ToLowerInvariant(c) : c.ToString());
        }

        return name.ToString();
    }

    // Read-only, so a template cannot change what later templates of the same run see.
    private static void Set(ScriptObject target, string name, object? value) => target.SetValue(name, value, readOnly: true);
}
