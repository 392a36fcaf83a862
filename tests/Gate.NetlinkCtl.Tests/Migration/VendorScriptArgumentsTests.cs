using System.Net;
using Gate.NetlinkCtl.Migration;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Tests.Migration;

/// <summary>Reading the vendor script's arguments, in its older and newer forms, and writing them as a valid state.</summary>
public sealed class VendorScriptArgumentsTests
{
    [Fact]
    public void The_older_form_has_no_vxlan_id_and_means_vni_10()
    {
        var (parsed, errors) = VendorScriptArguments.Parse(["eth0", "192.0.2.10", "vxlan0", "198.18.0.254", "255.254.0.0", "198.51.100.4", "198.51.100.132"]);

        Assert.Empty(errors);
        Assert.Equal(GateSpec.DefaultVni, parsed!.Vni);
        Assert.Equal("198.18.0.254/15", parsed.VxlanAddress.ToString());
        Assert.Equal([IPAddress.Parse("198.51.100.4"), IPAddress.Parse("198.51.100.132")], parsed.VpgAddresses);
    }

    [Fact]
    public void The_newer_form_reads_the_sixth_argument_as_the_vxlan_id()
    {
        var (parsed, errors) = VendorScriptArguments.Parse(["eth0", "192.0.2.10", "vxlan0", "198.18.0.254", "15", "300", "198.51.100.4"]);

        Assert.Empty(errors);
        Assert.Equal(300u, parsed!.Vni);
        Assert.Equal([IPAddress.Parse("198.51.100.4")], parsed.VpgAddresses);
    }

    [Theory]
    [InlineData(new[] { "eth0", "192.0.2.10", "vxlan0", "198.18.0.254", "15" }, "the vendor script takes PHY_IF PHY_ADDR VXLAN_IF VXLAN_ADDR NETMASK [VXLAN_ID] VPG_IP...: 5 argument(s) given, at least 6 needed")]
    [InlineData(new[] { "eth0", "192.0.2.10", "vxlan0", "198.18.0.254", "15", "10" }, "no VPG_IP after VXLAN_ID 10: give the VPG's outer IPs (its Gate peers with ownedByCustomer false)")]
    [InlineData(new[] { "eth0", "192.0.2", "vxlan0", "198.18.0.254", "15", "198.51.100.4" }, "PHY_ADDR (argument 2) '192.0.2' is not an IPv4 address")]
    [InlineData(new[] { "eth0", "192.0.2.10", "vxlan0", "198.18.0.254", "255.0.255.0", "198.51.100.4" }, "NETMASK (argument 5) '255.0.255.0' is neither a prefix length 0..32 nor a contiguous dotted netmask such as 255.128.0.0")]
    [InlineData(new[] { "eth0", "192.0.2.10", "vxlan0", "198.18.0.254", "15", "16777216", "198.51.100.4" }, "VXLAN_ID (argument 6) '16777216' is not a VNI; expected 1..16777215")]
    [InlineData(new[] { "eth0", "192.0.2.10", "vxlan0", "198.18.0.254", "15", "10", "198.51.100.x" }, "VPG_IP (argument 7) '198.51.100.x' is not an IPv4 address")]
    public void Wrong_arguments_are_refused_naming_the_argument(string[] args, string error)
    {
        var (parsed, errors) = VendorScriptArguments.Parse(args);

        Assert.Null(parsed);
        Assert.Equal(error, Assert.Single(errors));
    }

    [Fact]
    public void The_imported_gate_is_what_the_script_leaves_and_reads_back_equal_and_valid()
    {
        var (parsed, _) = VendorScriptArguments.Parse(["eth0", "192.0.2.10", "vxlan0", "198.18.0.254", "15", "10", "198.51.100.4", "198.51.100.132"]);
        var state = GateImport.ToState([GateImport.FromScript(parsed!, "soracom")]);

        var yaml = StateWriter.Write(state);
        var read = StateFile.Parse(yaml, "imported");

        Assert.True(read.IsValid, string.Join('\n', read.Errors));
        Assert.Equal(state, read.State);
        var gate = read.State!.Gates[0];
        Assert.Equal((GateAdoption.InPlace, PortRange.Any, true, (int?)null, (ushort)4789), (gate.Adoption, gate.SourcePorts, gate.Learning, gate.Mtu, gate.Port));
        Assert.Contains("  sourcePorts: any\n", yaml, StringComparison.Ordinal);
        Assert.Contains("  adopt: true\n", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Adopt_may_recreate_needs_adopt_and_a_literal_0_0_range_is_refused()
    {
        const string Yaml = """
            apiVersion: gatectl/v1
            kind: GatePeer
            gates:
              - name: soracom
                interface: vxlan0
                underlay: eth0
                local: 192.0.2.10
                sourcePorts: 0-0
                address: 198.18.0.254/15
                endpoints: [198.51.100.4]
                adoptMayRecreate: true
            """;

        var read = StateFile.Parse(Yaml, "state.yaml");

        Assert.Equal(
            [
                "state.yaml:8:18: gates[0].sourcePorts: '0-0' includes port 0; write 'any' to let the kernel choose each source port; expected 'low-high' with ports 1..65535, such as 4789-4789, or 'any'",
                "state.yaml:11:23: gates[0].adoptMayRecreate: adoptMayRecreate only applies to adoption; set adopt: true as well, or leave adoptMayRecreate out",
            ],
            read.Errors.Select(e => e.ToString()));
    }
}
