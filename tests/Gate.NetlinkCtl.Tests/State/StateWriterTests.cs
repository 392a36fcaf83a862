using System.Net;
using CsCheck;
using Gate.NetlinkCtl.State;
using YamlDotNet.RepresentationModel;

namespace Gate.NetlinkCtl.Tests.State;

public class StateWriterTests
{
    public static TheoryData<string> ValidFiles =>
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Validation", "Corpus", "valid"), "*.yaml")
            .Concat(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "examples"), "*.yaml"))
            .Select(f => Path.GetRelativePath(AppContext.BaseDirectory, f))
            .Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(ValidFiles))]
    public void Loading_what_the_writer_wrote_gives_back_an_equal_state(string file)
    {
        var original = StateFile.Read(Path.Combine(AppContext.BaseDirectory, file));
        Assert.True(original.IsValid, string.Join("\n", original.Errors));

        var written = StateWriter.Write(original.State!);
        var reloaded = StateFile.Parse(written, "written.yaml");

        Assert.True(reloaded.IsValid, written + "\n" + string.Join("\n", reloaded.Errors));
        Assert.Equal(original.State, reloaded.State);
    }

    [Fact]
    public void The_writer_spells_out_every_default_in_the_schema_order()
    {
        var state = StateFile.Parse("""
            apiVersion: gatectl/v1
            kind: GatePeer
            gates:
              - {name: lab, interface: vxlan0, underlay: eth0, local: 192.0.2.10, address: 198.18.0.254/15, endpoints: [203.0.113.4]}
            """, "state.yaml").State!;

        var expected = """
            apiVersion: gatectl/v1
            kind: GatePeer
            host:
              backend: auto
              reconcileInterval: 1m
              guard: false
            gates:
            - name: lab
              interface: vxlan0
              vni: 10
              underlay: eth0
              local: 192.0.2.10
              port: 4789
              sourcePorts: 4789-4789
              address: 198.18.0.254/15
              deviceSubnet: 198.18.0.0/15
              learning: true
              endpoints:
              - 203.0.113.4
              state: present

            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), StateWriter.Write(state).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_state_with_every_key_is_written_with_every_key_in_the_order_the_schema_declares()
    {
        var loaded = StateLoader.Load("""
            apiVersion: gatectl/v1
            kind: GatePeer
            host: {backend: iproute2, reconcileInterval: 5m, metricsPath: /run/gatectl/metrics.prom, guard: true, stateDirectory: /srv/gatectl}
            gates:
              - health: {targets: [198.18.1.17], timeout: 3s, interval: 1m}
                probe: [198.18.1.17]
                gateway: {egress: eth1, masquerade: true, destinations: [203.0.113.0/24]}
                routing: {forward: true, masquerade: true, sources: [192.0.2.0/24]}
                ha: {virtualAddress: 198.18.0.250/15, routerId: 7, priority: 100, peers: [198.18.0.20]}
                adoptMayRecreate: true
                adopt: true
                soracom: {register: true, refreshInterval: 2m, timeout: 5s, apiUrl: "http://192.0.2.1:8080/", credentials: {file: /etc/gatectl/soracom.json}, coverage: global, vpgId: vpg-1}
                state: present
                routes: [{via: 198.18.0.20, to: 198.51.100.128/25}]
                peers: [{name: standby, inner: 198.18.0.20, outer: 198.51.100.20}]
                endpoints: [203.0.113.4]
                learning: false
                mtu: 1400
                deviceSubnet: 198.18.0.0/15
                address: 198.18.0.254/15
                sourcePorts: any
                port: 4789
                local: 192.0.2.10
                underlay: eth0
                vni: 10
                interface: vxlan0
                name: lab
            """, "state.yaml");
        Assert.Empty(loaded.Errors);

        var written = new YamlStream();
        written.Load(new StringReader(StateWriter.Write(loaded.State!)));
        var root = (YamlMappingNode)written.Documents[0].RootNode;
        var gate = (YamlMappingNode)((YamlSequenceNode)root["gates"])[0];

        Assert.Equal(StateKeys.Root.Block.Names, Keys(root));
        Assert.Equal(StateKeys.Host.Block.Names, Keys(root["host"]));
        Assert.Equal(StateKeys.Gate.Block.Names, Keys(gate));
        Assert.Equal(StateKeys.Peer.Block.Names, Keys(((YamlSequenceNode)gate["peers"])[0]));
        Assert.Equal(StateKeys.Route.Block.Names, Keys(((YamlSequenceNode)gate["routes"])[0]));
        Assert.Equal(StateKeys.Soracom.Block.Names, Keys(gate["soracom"]));
        Assert.Equal(["file"], Keys(gate["soracom"]["credentials"]));
        Assert.Equal(StateKeys.Ha.Block.Names, Keys(gate["ha"]));
        Assert.Equal(StateKeys.Routing.Block.Names, Keys(gate["routing"]));
        Assert.Equal(StateKeys.Gateway.Block.Names, Keys(gate["gateway"]));
        Assert.Equal(StateKeys.Health.Block.Names, Keys(gate["health"]));
        Assert.Equal(loaded.State, StateLoader.Load(StateWriter.Write(loaded.State!), "written.yaml").State);
    }

    private static string[] Keys(YamlNode mapping) =>
        [.. ((YamlMappingNode)mapping).Children.Keys.Select(k => ((YamlScalarNode)k).Value!)];

    [Fact]
    public void Arbitrary_states_survive_a_write_and_load_round_trip()
    {
        // Names that plain YAML would misread (true, null, 10, -x, with spaces) must come back as text.
        var text = Gen.OneOf<string>("lab", "true", "null", "10", "-x", "a b", "x: y", "#c", "\"q\"", "", "é");
        var ipv4 = Gen.Byte.Array[4].Select(b => new IPAddress(b));
        var prefix = Gen.Int[0, 32];
        var peer = Gen.Select(ipv4, ipv4.Null(), text.Null(), (o, i, n) => new PeerSpec(o, i, n));
        var route = Gen.Select(ipv4, prefix, ipv4, (a, p, v) => new RouteSpec(new IPNetwork(InterfaceAddress.MaskHostBits(a, p), p), v));
        var address = Gen.Select(ipv4, prefix, (a, p) => new InterfaceAddress(a, p));
        var gate = Gen.Select(
            Gen.Select(text, text, Gen.UInt, text, ipv4, Gen.UShort, Gen.UShort, Gen.UShort),
            Gen.Select(address, Gen.Int.Nullable(), Gen.Bool, ipv4.Array[0, 3], peer.Array[0, 3], route.Array[0, 3], Gen.Enum<GatePresence>()),
            (a, b) => new GateSpec(
                a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, a.Item6, new PortRange(a.Item7, a.Item8),
                b.Item1, b.Item1.Network, b.Item2, b.Item3, b.Item4.ToEquatableList(), b.Item5.ToEquatableList(), b.Item6.ToEquatableList(), b.Item7));
        var host = Gen.Select(Gen.Enum<BackendKind>(), Gen.Int[0, 100_000], text.Null(), Gen.Bool,
            (b, s, m, g) => new HostSettings(b, TimeSpan.FromSeconds(s), m, g));
        var state = Gen.Select(host, gate.Array[0, 3], (h, g) => new DesiredState(StateSchema.ApiVersion, StateSchema.Kind, h, g.ToEquatableList()));

        state.Sample(s =>
        {
            var reloaded = StateLoader.Load(StateWriter.Write(s), "written.yaml");
            return reloaded.Errors.Count == 0 && s.Equals(reloaded.State);
        }, iter: 300);
    }
}
