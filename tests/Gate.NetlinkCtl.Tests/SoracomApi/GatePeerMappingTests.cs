using System.Net;
using Gate.NetlinkCtl.SoracomApi;
using Gate.NetlinkCtl.State;
using static Gate.NetlinkCtl.Tests.Reconcile.SampleGates;

namespace Gate.NetlinkCtl.Tests.SoracomApi;

/// <summary>From the API's Gate peers to a gate's flood list: VPG endpoints, other customers' peers, never this host.</summary>
public sealed class GatePeerMappingTests
{
    private static GatePeer Peer(string outer, string? inner, bool owned) =>
        new(IPAddress.Parse(outer), inner is null ? null : IPAddress.Parse(inner), owned);

    [Fact]
    public void Entries_not_owned_by_the_customer_are_endpoints_the_others_peers_and_this_host_is_left_out()
    {
        var gate = Soracom(endpoints: []);

        var merged = GatePeerMapping.Merge(gate,
        [
            Peer("203.0.113.132", null, false),
            Peer("203.0.113.4", null, false),
            Peer("192.0.2.10", "198.18.0.10", true),   // this host itself
            Peer("198.51.100.20", "198.18.0.20", true),
        ]);

        Assert.Equal(["203.0.113.4", "203.0.113.132"], merged.Endpoints.Select(e => e.ToString()));
        var peer = Assert.Single(merged.Peers);
        Assert.Equal(new PeerSpec(IPAddress.Parse("198.51.100.20"), IPAddress.Parse("198.18.0.20"), "soracom"), peer);
    }

    [Fact]
    public void Literal_endpoints_and_peers_stay_first_and_are_not_repeated()
    {
        var gate = Soracom(endpoints: ["203.0.113.4", "192.0.2.1"]) with
        {
            Peers = new EquatableList<PeerSpec>([new PeerSpec(IPAddress.Parse("198.51.100.20"), null, "lab")]),
        };

        var merged = GatePeerMapping.Merge(gate,
        [
            Peer("203.0.113.4", null, false),
            Peer("203.0.113.132", null, false),
            Peer("198.51.100.20", "198.18.0.20", true),
        ]);

        Assert.Equal(["203.0.113.4", "192.0.2.1", "203.0.113.132"], merged.Endpoints.Select(e => e.ToString()));
        Assert.Equal([new PeerSpec(IPAddress.Parse("198.51.100.20"), null, "lab")], merged.Peers);
    }

    [Fact]
    public void An_inner_address_outside_the_device_subnet_is_not_trusted()
    {
        var merged = GatePeerMapping.Merge(Soracom(endpoints: []), [Peer("203.0.113.4", null, false), Peer("198.51.100.30", "198.19.9.9", true)]);

        Assert.Null(Assert.Single(merged.Peers).Inner);
    }

    [Fact]
    public void The_VPG_endpoints_inner_addresses_join_the_probe_targets_once_and_only_inside_the_device_subnet()
    {
        var gate = Soracom(endpoints: []) with { ProbeTargets = new EquatableList<IPAddress>([IPAddress.Parse("198.18.0.2")]) };

        var merged = GatePeerMapping.Merge(gate,
        [
            Peer("203.0.113.132", "198.18.0.1", false),
            Peer("203.0.113.4", "198.18.0.2", false),      // already listed under probe
            Peer("203.0.113.5", "198.18.0.250", false),
            Peer("203.0.113.6", "198.19.0.1", false),      // outside the device subnet (a /24): a label, not a target
            Peer("203.0.113.7", "198.18.0.10", false),     // the gate's own address
            Peer("198.51.100.20", "198.18.0.20", true),    // a customer's peer: probed as a peer, not listed here
        ]);

        Assert.Equal(["198.18.0.2", "198.18.0.1", "198.18.0.250"], merged.ProbeTargets.Select(t => t.ToString()));
        Assert.Equal(["198.18.0.20", "198.18.0.2", "198.18.0.1", "198.18.0.250"], HealthSpec.DefaultTargets(merged).Select(t => t.ToString()));
    }
}
