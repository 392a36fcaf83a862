using System.Net;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Tests.State;

public class StateLoaderTests
{
    private const string Minimal = """
        apiVersion: gatectl/v1
        kind: GatePeer
        gates:
          - name: lab
            interface: vxlan0
            underlay: eth0
            local: 192.0.2.10
            address: 198.18.0.254/15
            endpoints:
              - 203.0.113.4
              - 203.0.113.132
        """;

    [Fact]
    public void Keys_left_out_take_their_documented_defaults()
    {
        var result = StateFile.Parse(Minimal, "state.yaml");

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var state = result.State!;
        Assert.Equal(HostSettings.Default, state.Host);
        Assert.Equal(BackendKind.Auto, state.Host.Backend);
        Assert.Equal(TimeSpan.FromSeconds(60), state.Host.ReconcileInterval);
        Assert.Null(state.Host.MetricsPath);
        Assert.False(state.Host.Guard);
        var gate = Assert.Single(state.Gates);
        Assert.Equal(10u, gate.Vni);
        Assert.Equal((ushort)4789, gate.Port);
        Assert.Equal(new PortRange(4789, 4789), gate.SourcePorts);
        Assert.Null(gate.Mtu);
        Assert.True(gate.Learning);
        Assert.Equal(GatePresence.Present, gate.State);
        Assert.Empty(gate.Peers);
        Assert.Empty(gate.Routes);
    }

    [Fact]
    public void Every_field_is_read_into_the_records()
    {
        var result = StateFile.Parse("""
            apiVersion: gatectl/v1
            kind: GatePeer
            host: {backend: iproute2, reconcileInterval: 5m, metricsPath: /run/gatectl/m.prom, guard: true}
            gates:
              - name: lab
                interface: vxlan7
                vni: 4242
                underlay: eth1
                local: 192.0.2.10
                port: 8472
                sourcePorts: 1000-2000
                address: 198.18.0.254/16
                deviceSubnet: 198.18.0.0/16
                mtu: 1400
                learning: false
                endpoints: [203.0.113.4]
                peers: [{outer: 198.51.100.20, inner: 198.18.0.20, name: standby}, {outer: 198.51.100.21}]
                routes: [{to: 198.51.100.128/25, via: 198.18.0.20}]
                state: present
            """, "state.yaml");

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var expected = new DesiredState(
            StateSchema.ApiVersion,
            StateSchema.Kind,
            new HostSettings(BackendKind.Iproute2, TimeSpan.FromMinutes(5), "/run/gatectl/m.prom", true),
            new[]
            {
                new GateSpec(
                    "lab", "vxlan7", 4242, "eth1", IPAddress.Parse("192.0.2.10"), 8472, new PortRange(1000, 2000),
                    new InterfaceAddress(IPAddress.Parse("198.18.0.254"), 16), IPNetwork.Parse("198.18.0.0/16"), 1400, false,
                    new[] { IPAddress.Parse("203.0.113.4") }.ToEquatableList(),
                    new[]
                    {
                        new PeerSpec(IPAddress.Parse("198.51.100.20"), IPAddress.Parse("198.18.0.20"), "standby"),
                        new PeerSpec(IPAddress.Parse("198.51.100.21"), null, null),
                    }.ToEquatableList(),
                    new[] { new RouteSpec(IPNetwork.Parse("198.51.100.128/25"), IPAddress.Parse("198.18.0.20")) }.ToEquatableList(),
                    GatePresence.Present),
            }.ToEquatableList());
        Assert.Equal(expected, result.State);
    }

    [Theory]
    [InlineData("198.18.0.254/15", "198.18.0.0/15")]
    [InlineData("198.18.3.1/24", "198.18.3.0/24")]
    [InlineData("10.128.0.254/9", "10.128.0.0/9")]
    public void The_device_subnet_is_derived_from_the_address_when_left_out(string address, string subnet)
    {
        var result = StateLoader.Load(Minimal.Replace("198.18.0.254/15", address, StringComparison.Ordinal), "state.yaml");

        Assert.Empty(result.Errors);
        Assert.Equal(IPNetwork.Parse(subnet), result.State!.Gates[0].DeviceSubnet);
    }

    [Fact]
    public void Errors_from_every_stage_and_every_gate_are_reported_at_once_in_file_order()
    {
        var yaml = Minimal + """

            vni: 0
            colour: blue
          - name: lab
            interface: vxlan0
            underlay: eth0
            local: 192.0.2.999
            address: 198.18.1.254/24
            endpoints: [203.0.113.4]
        """;

        var result = StateFile.Parse(yaml, "state.yaml");

        Assert.Null(result.State);
        Assert.Equal(
            [
                "state.yaml:12:10: gates[0].vni: 0 is out of range; expected an integer 1..16777215",
                "state.yaml:13:5: gates[0].colour: unknown key 'colour'; expected one of name, interface, vni, underlay, local, port, sourcePorts, address, deviceSubnet, mtu, learning, endpoints, peers, routes, state, soracom, adopt, adoptMayRecreate, ha, routing, gateway, probe, health",
                "state.yaml:14:5: gates[1].deviceSubnet: 198.18.1.0/24 overlaps the device subnet 198.18.0.0/15 of gates[0]; two present gates need separate device subnets",
                "state.yaml:14:11: gates[1].name: 'lab' is already the name of gates[0]; gate names must be unique",
                "state.yaml:15:16: gates[1].interface: 'vxlan0' is already the interface of gates[0]; each gate needs its own interface",
                "state.yaml:17:12: gates[1].local: '192.0.2.999' is not an IPv4 address; expected this peer's outer IPv4 address, such as 192.0.2.10",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Unreadable_values_do_not_cause_follow_on_errors()
    {
        // Two unreadable endpoints are placeholders internally; they must not also count as "listed twice".
        var yaml = Minimal.Replace("- 203.0.113.4", "- vpg-a", StringComparison.Ordinal).Replace("- 203.0.113.132", "- vpg-b", StringComparison.Ordinal);

        var result = StateFile.Parse(yaml, "state.yaml");

        Assert.Equal(["gates[0].endpoints[0]", "gates[0].endpoints[1]"], result.Errors.Select(e => e.Path));
        Assert.All(result.Errors, e => Assert.Contains("is not an IPv4 address", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_over_one_mebibyte_is_refused_before_parsing()
    {
        var huge = Minimal + "\n#" + new string('x', StateLimits.MaxFileBytes);

        var result = StateLoader.Load(huge, "state.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Null(result.State);
        Assert.Contains("at most 1048576 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_on_disk_over_the_limit_is_refused_without_reading_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gatectl-huge-{Guid.NewGuid():N}.yaml");
        try
        {
            using (var stream = File.Create(path))
            {
                stream.SetLength(StateLimits.MaxFileBytes + 1);
            }

            var error = Assert.Single(StateLoader.LoadFile(path).Errors);
            Assert.StartsWith($"the file has {StateLimits.MaxFileBytes + 1} bytes", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Deep_nesting_is_refused_with_one_error()
    {
        var yaml = "apiVersion: " + new string('[', 200) + new string(']', 200);

        var result = StateLoader.Load(yaml, "state.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Contains("nesting is deeper than 32 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_an_io_error_not_a_state_error() =>
        Assert.Throws<FileNotFoundException>(() => StateLoader.LoadFile(Path.Combine(Path.GetTempPath(), $"gatectl-none-{Guid.NewGuid():N}.yaml")));

    [Fact]
    public void An_error_prints_as_file_line_column_path_message()
    {
        Assert.Equal("state.yaml:12:7: gates[0].vni: 0 is out of range", new StateError("state.yaml", 12, 7, "gates[0].vni", "0 is out of range").ToString());
        Assert.Equal("state.yaml:1:1: the file is empty", new StateError("state.yaml", 1, 1, "", "the file is empty").ToString());
        Assert.Equal("built-in: gates[0].vni: bad", new StateError("built-in", 0, 0, "gates[0].vni", "bad").ToString());
    }

    [Theory]
    [InlineData("endpoint", "endpoints")]
    [InlineData("Endpoints", "endpoints")]
    [InlineData("endpionts", "endpoints")]
    [InlineData("sourceports", "sourcePorts")]
    [InlineData("devicesubnet", "deviceSubnet")]
    [InlineData("vin", "vni")]
    [InlineData("mut", "mtu")]
    [InlineData("interfce", "interface")]
    public void A_near_miss_key_suggests_the_known_key(string typed, string expected) =>
        Assert.Equal(expected, KeySuggestion.Closest(typed, ["name", "interface", "vni", "mtu", "endpoints", "sourcePorts", "deviceSubnet"]));

    [Theory]
    [InlineData("colour")]
    [InlineData("x")]
    [InlineData("remote")]
    public void A_key_far_from_every_known_key_gets_no_suggestion(string typed) =>
        Assert.Null(KeySuggestion.Closest(typed, ["name", "interface", "vni", "mtu", "endpoints", "sourcePorts", "deviceSubnet"]));

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("90s", 90)]
    public void Durations_read_as_a_number_and_one_unit(string text, int seconds)
    {
        Assert.True(DurationText.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("60")]
    [InlineData("1d")]
    [InlineData("s")]
    [InlineData("-5s")]
    [InlineData("1h30m")]
    [InlineData("1.5h")]
    public void Other_duration_spellings_are_refused(string text) =>
        Assert.False(DurationText.TryParse(text, out _));
}
