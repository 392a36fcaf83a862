using System.Net;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Health;

/// <summary>The <c>health</c> block as the loader reads it and the writer writes it back.</summary>
public sealed class HealthYamlTests
{
    // The lab gate with peers (one with an inner address) and a probe list; the health block, when given, comes last.
    private static string Gate(string? health = null) => StateYaml.Of(new GateYaml
    {
        Interface = "vxlan0",
        Underlay = "eth0",
        Address = "198.18.0.254/16",
        Endpoints = ["203.0.113.4"],
        Extra = "peers: [{outer: 198.51.100.20, inner: 198.18.0.20}, {outer: 198.51.100.21}]\nprobe: [198.18.1.17, 198.18.0.20]"
            + (health is null ? "" : "\n" + health),
    }).ToString();

    [Fact]
    public void An_empty_health_block_probes_the_peers_inner_addresses_and_the_probe_list_every_30s_with_a_2s_timeout()
    {
        var gate = Load(Gate("health: {}"));

        var health = Assert.IsType<HealthSpec>(gate.Health);
        Assert.Equal(TimeSpan.FromSeconds(30), health.Interval);
        Assert.Equal(TimeSpan.FromSeconds(2), health.Timeout);
        Assert.Null(health.Targets);
        Assert.Equal([IPAddress.Parse("198.18.0.20"), IPAddress.Parse("198.18.1.17")], health.TargetsOf(gate));
    }

    [Fact]
    public void Listed_targets_replace_the_defaults_and_the_writer_gives_back_the_same_gate()
    {
        var gate = Load(Gate("health:\n  interval: 1m\n  timeout: 5s\n  targets: [198.18.2.1]"));

        Assert.Equal(new HealthSpec(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(5), new EquatableList<IPAddress>([IPAddress.Parse("198.18.2.1")])), gate.Health);
        Assert.Equal([IPAddress.Parse("198.18.2.1")], gate.Health!.TargetsOf(gate));
        var written = StateWriter.Write(new DesiredState(StateSchema.ApiVersion, StateSchema.Kind, HostSettings.Default, new EquatableList<GateSpec>([gate])));
        Assert.Contains("health:", written, StringComparison.Ordinal);
        Assert.Equal(gate, Assert.Single(StateFile.Parse(written, "written.yaml").State!.Gates));
    }

    [Fact]
    public void A_gate_without_health_has_none()
    {
        Assert.Null(Load(Gate()).Health);
    }

    private static GateSpec Load(string yaml)
    {
        var result = StateFile.Parse(yaml, "state.yaml");
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        return Assert.Single(result.State!.Gates);
    }
}
