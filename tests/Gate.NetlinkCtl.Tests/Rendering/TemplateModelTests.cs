using System.Net;
using Gate.NetlinkCtl.Backends.NetworkManager.Profiles;
using Gate.NetlinkCtl.Rendering;
using Gate.NetlinkCtl.State;
using Scriban.Runtime;

namespace Gate.NetlinkCtl.Tests.Rendering;

public sealed class TemplateModelTests
{
    private static ScriptObject MainGate() => TemplateModel.ForGate(SampleStates.ThreeGates().Gates[0]);

    [Fact]
    public void A_gate_becomes_plain_values_addresses_as_text_and_numbers_as_integers()
    {
        var gate = MainGate();

        Assert.Equal("main", gate["name"]);
        Assert.Equal("vxlan0", gate["interface"]);
        Assert.Equal(10L, gate["vni"]);
        Assert.Equal("eth0", gate["underlay"]);
        Assert.Equal("192.0.2.1", gate["local"]);
        Assert.Equal(4789, gate["port"]);
        Assert.Equal(4789, gate["source_port_min"]);
        Assert.Equal(4790, gate["source_port_max"]); // half-open, as ip, networkd and NetworkManager pass it on
        Assert.Equal("198.18.0.2/15", gate["address"]);
        Assert.Equal("198.18.0.2", gate["address_ip"]);
        Assert.Equal(15, gate["prefix_length"]);
        Assert.Equal("198.18.0.0/15", gate["device_subnet"]);
        Assert.Equal(1450, gate["mtu"]);
        Assert.Equal(50, gate["mtu_overhead"]);
        Assert.Equal(false, gate["learning"]);
        Assert.Equal(true, gate["present"]);
    }

    [Fact]
    public void A_gate_carries_its_ownership_marks()
    {
        var gate = MainGate();

        Assert.Equal("gatectl:main", gate["alias"]);
        Assert.Equal("gatectl-main", gate["connection_id"]);
        Assert.Equal(ProfileIdentity.UuidFor("main").ToString(), gate["connection_uuid"]);
    }

    [Fact]
    public void The_flood_list_holds_endpoints_then_peers_without_repeats()
    {
        var spec = SampleStates.ThreeGates().Gates[0] with
        {
            Peers = new EquatableList<PeerSpec>(
            [
                new PeerSpec(IPAddress.Parse("198.51.100.7"), null, null),
                new PeerSpec(IPAddress.Parse("203.0.113.10"), null, "also-an-endpoint"),
            ]),
        };

        var gate = TemplateModel.ForGate(spec);

        Assert.Equal(["203.0.113.10", "203.0.113.11"], ((ScriptArray)gate["endpoints"]!).Cast<string>());
        Assert.Equal(["203.0.113.10", "203.0.113.11", "198.51.100.7"], ((ScriptArray)gate["flood"]!).Cast<string>());
    }

    [Fact]
    public void Unset_values_are_null_rather_than_missing()
    {
        var spec = SampleStates.ThreeGates().Gates[0] with
        {
            Mtu = null,
            Peers = new EquatableList<PeerSpec>([new PeerSpec(IPAddress.Parse("198.51.100.7"), null, null)]),
        };

        var gate = TemplateModel.ForGate(spec);
        var peer = (ScriptObject)((ScriptArray)gate["peers"]!)[0]!;

        Assert.True(gate.ContainsKey("mtu"));
        Assert.Null(gate["mtu"]);
        Assert.Equal("198.51.100.7", peer["outer"]);
        Assert.True(peer.ContainsKey("inner"));
        Assert.Null(peer["inner"]);
        Assert.Null(peer["name"]);
    }

    [Fact]
    public void Routes_become_destination_and_next_hop_text()
    {
        var route = (ScriptObject)((ScriptArray)MainGate()["routes"]!)[0]!;

        Assert.Equal("198.19.128.0/24", route["to"]);
        Assert.Equal("198.18.0.7", route["via"]);
    }

    [Fact]
    public void The_state_model_holds_every_gate_the_host_settings_and_gatectls_marks()
    {
        var model = TemplateModel.ForState(SampleStates.ThreeGates(guard: true), "state.yaml");
        var marks = (ScriptObject)model["gatectl"]!;
        var host = (ScriptObject)model["host"]!;
        var gates = (ScriptArray)model["gates"]!;

        Assert.Equal("state.yaml", model["source"]);
        Assert.Equal(["main", "lab", "old"], gates.Cast<ScriptObject>().Select(g => (string)g["name"]!));
        Assert.Equal(false, ((ScriptObject)gates[2]!)["present"]);
        Assert.Equal(true, host["guard"]);
        Assert.Equal("auto", host["backend"]);
        Assert.Equal("gatectl:", marks["alias_prefix"]);
        Assert.Equal(147L, marks["address_metric"]);
        Assert.Equal(147, marks["route_protocol"]);
        Assert.Equal("inet", marks["guard_family"]);
        Assert.Equal("gatectl_guard", marks["guard_table"]);
    }

    [Fact]
    public void The_model_is_read_only_so_one_template_cannot_change_what_the_next_sees()
    {
        var gate = MainGate();

        Assert.False(gate.CanWrite("name"));
        Assert.False(gate.CanWrite("flood"));
    }
}
