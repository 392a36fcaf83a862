using System.Net;
using CsCheck;
using Gate.NetlinkCtl.State;

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
