using System.Net;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Tests.Rendering;

/// <summary>Desired states the rendering tests share (TEST-NET outer addresses, 198.18.0.0/15 inner).</summary>
internal static class SampleStates
{
    /// <summary>Two present gates on one local address (one with routes, peers, an explicit MTU and no learning; one with defaults) and one absent gate.</summary>
    public static DesiredState ThreeGates(bool guard = true) => new(
        StateSchema.ApiVersion,
        StateSchema.Kind,
        HostSettings.Default with { Guard = guard },
        new EquatableList<GateSpec>(
        [
            Gate("main", "vxlan0", 10, "eth0", "192.0.2.1", "198.18.0.2/15", mtu: 1450, learning: false,
                endpoints: ["203.0.113.10", "203.0.113.11"],
                peers: [new PeerSpec(IPAddress.Parse("198.51.100.7"), IPAddress.Parse("198.18.0.7"), "branch")],
                routes: [new RouteSpec(IPNetwork.Parse("198.19.128.0/24"), IPAddress.Parse("198.18.0.7"))]),
            Gate("lab", "vxlan1", 20, "eth0", "192.0.2.1", "198.18.100.2/24", mtu: null, learning: true,
                endpoints: ["203.0.113.20"], peers: [], routes: []),
            Gate("old", "vxlan9", 30, "eth0", "192.0.2.1", "198.18.200.2/24", mtu: null, learning: false,
                endpoints: ["203.0.113.30"], peers: [], routes: []) with { State = GatePresence.Absent },
        ]));

    /// <summary>A gate with the given essentials and SORACOM's port defaults.</summary>
    public static GateSpec Gate(
        string name,
        string device,
        uint vni,
        string underlay,
        string local,
        string address,
        int? mtu,
        bool learning,
        string[] endpoints,
        PeerSpec[] peers,
        RouteSpec[] routes)
    {
        Assert.True(InterfaceAddress.TryParse(address, out var inner));
        return new GateSpec(
            name,
            device,
            vni,
            underlay,
            IPAddress.Parse(local),
            GateSpec.DefaultPort,
            PortRange.Default,
            inner,
            inner.Network,
            mtu,
            learning,
            endpoints.Select(IPAddress.Parse).ToEquatableList(),
            peers.ToEquatableList(),
            routes.ToEquatableList(),
            GatePresence.Present);
    }
}
