using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Cli.Tests;

/// <summary><c>gatectl import --script</c>: the vendor script's arguments to a state file gatectl reads back; wrong input prints why.</summary>
public sealed class ImportCommandTests : IDisposable
{
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    public void Dispose()
    {
        _stdout.Dispose();
        _stderr.Dispose();
    }

    [Fact]
    public void The_scripts_arguments_print_a_valid_state_that_adopts_the_gate()
    {
        var exit = GatectlCli.Run(
            ["import", "--script", "eth0", "192.0.2.10", "vxlan0", "198.18.0.254", "15", "10", "198.51.100.4", "198.51.100.132", "--name", "soracom"],
            _stdout, _stderr);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal(string.Empty, _stderr.ToString());
        var read = StateFile.Parse(_stdout.ToString(), "stdout");
        Assert.True(read.IsValid, string.Join('\n', read.Errors));
        var gate = Assert.Single(read.State!.Gates);
        Assert.Equal(("soracom", "vxlan0", "eth0", GateAdoption.InPlace, PortRange.Any), (gate.Name, gate.Interface, gate.Underlay, gate.Adoption, gate.SourcePorts));
    }

    [Fact]
    public void Wrong_script_arguments_print_each_problem_and_no_state()
    {
        var exit = GatectlCli.Run(["import", "--script", "eth0", "192.0.2", "vxlan0", "198.18.0.254", "15", "198.51.100.x"], _stdout, _stderr);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal(string.Empty, _stdout.ToString());
        Assert.Equal(
            "gatectl import: PHY_ADDR (argument 2) '192.0.2' is not an IPv4 address\n"
            + "gatectl import: VPG_IP (argument 6) '198.51.100.x' is not an IPv4 address\n",
            _stderr.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_gate_the_arguments_describe_but_gatectl_refuses_is_reported_with_its_state_errors()
    {
        // The script would take it; gatectl's rules do not (the inner address is the device subnet's network address).
        var exit = GatectlCli.Run(["import", "--script", "eth0", "192.0.2.10", "vxlan0", "198.18.0.0", "15", "198.51.100.4"], _stdout, _stderr);

        Assert.Equal(ExitCodes.InvalidState, exit);
        Assert.Equal(string.Empty, _stdout.ToString());
        Assert.Contains("gates[0].address", _stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("gatectl import: the gate as found would not be a valid state", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Neither_or_both_sources_is_a_usage_error()
    {
        Assert.Equal(ExitCodes.Usage, GatectlCli.Run(["import"], _stdout, _stderr));
        Assert.Equal(ExitCodes.Usage, GatectlCli.Run(["import", "--interface", "vxlan0", "--script", "eth0"], _stdout, _stderr));
        Assert.Contains("give either --interface NAME (a device on this host) or --script", _stderr.ToString(), StringComparison.Ordinal);
    }
}
