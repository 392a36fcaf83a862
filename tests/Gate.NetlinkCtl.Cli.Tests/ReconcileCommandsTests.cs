using System.Text.Json;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests;

/// <summary>plan, apply, diff, show and delete as a user runs them, against a private network namespace.</summary>
public sealed class ReconcileCommandsTests : IAsyncLifetime
{
    private static readonly string StateYaml = Gate.NetlinkCtl.TestSupport.StateYaml.Of(
        new GateYaml { Name = "soracom", Interface = "gate0", Vni = "10", Endpoints = ["192.0.2.1", "192.0.2.2"] }).ToString();

    private readonly string _directory = Directory.CreateTempSubdirectory("gatectl-cli").FullName;
    private TestNamespace? _ns;

    private TestNamespace Ns => _ns!;

    private string StateFile => Path.Combine(_directory, "state.yaml");

    public async ValueTask InitializeAsync()
    {
        _ns = await TestNamespace.CreateAsync("cli");
        await Ns.IpAsync("link", "add", "u0", "type", "veth", "peer", "name", "u0p");
        await Ns.IpAsync("address", "add", "192.0.2.10/24", "dev", "u0");
        await Ns.IpAsync("link", "set", "u0", "up");
        await File.WriteAllTextAsync(StateFile, StateYaml);
    }

    public async ValueTask DisposeAsync()
    {
        if (_ns is not null)
        {
            await _ns.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("netlink")]
    [InlineData("iproute2")]
    public async Task Plan_apply_diff_show_and_delete_work_end_to_end(string backend)
    {
        var (planExit, planOut, _) = Run("plan", StateFile, "--netns", Ns.Name, "--backend", backend);
        var (dryExit, _, _) = Run("apply", "--dry-run", StateFile, "--netns", Ns.Name, "--backend", backend);
        var linksAfterDryRun = await Ns.IpAsync("-br", "link");
        var (applyExit, applyOut, _) = Run("apply", StateFile, "--netns", Ns.Name, "--backend", backend);
        var (againExit, againOut, _) = Run("apply", StateFile, "--netns", Ns.Name, "--backend", backend);
        await Ns.IpAsync("link", "set", "gate0", "mtu", "1400");
        var (diffExit, diffOut, _) = Run("diff", StateFile, "--netns", Ns.Name, "--backend", backend, "--output", "json");
        Run("apply", StateFile, "--netns", Ns.Name, "--backend", backend);
        var (showExit, showOut, _) = Run("show", "--netns", Ns.Name, "--backend", backend);
        var shownFile = Path.Combine(_directory, "shown.yaml");
        await File.WriteAllTextAsync(shownFile, showOut, TestContext.Current.CancellationToken);
        var (shownPlanExit, _, _) = Run("plan", shownFile, "--netns", Ns.Name, "--backend", backend);
        var (deleteExit, deleteOut, _) = Run("delete", StateFile, "--netns", Ns.Name, "--backend", backend);

        Assert.Equal(ExitCodes.ChangesPending, planExit);
        Assert.Contains($"plan ({backend}, netns {Ns.Name}): 5 changes", planOut, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.ChangesPending, dryExit);
        Assert.DoesNotContain("gate0", linksAfterDryRun, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, applyExit);
        Assert.Contains("5 changes, verified in sync", applyOut, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, againExit);
        Assert.Contains("nothing to change, nothing written", againOut, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.ChangesPending, diffExit);
        using (var json = JsonDocument.Parse(diffOut))
        {
            var gate = json.RootElement.GetProperty("gates")[0];
            Assert.Equal("drifted", gate.GetProperty("status").GetString());
            Assert.Equal("set mtu of gate0 to 1450 (now 1400)", gate.GetProperty("differences")[0].GetString());
        }

        Assert.Equal(ExitCodes.Ok, showExit);
        Assert.Contains("  interface: gate0", showOut, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, shownPlanExit);
        Assert.Equal(ExitCodes.Ok, deleteExit);
        Assert.Contains("delete gate0 (gatectl delete)", deleteOut, StringComparison.Ordinal);
        Assert.DoesNotContain("gate0", await Ns.IpAsync("-br", "link"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_refuses_a_name_taken_by_a_foreign_device_and_exits_one()
    {
        await Ns.IpAsync("link", "add", "gate0", "type", "veth", "peer", "name", "gate0p");

        var (exit, _, stderr) = Run("apply", StateFile, "--netns", Ns.Name);

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("interface gate0 exists and is not gatectl's (kind veth): choose another interface name or remove it", stderr, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_state_file_exits_three_and_touches_nothing()
    {
        await File.WriteAllTextAsync(StateFile, StateYaml.Replace("vni: 10", "vni: 0", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var (exit, _, stderr) = Run("apply", StateFile, "--netns", Ns.Name);

        Assert.Equal(ExitCodes.InvalidState, exit);
        Assert.Contains("nothing was changed", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("gate0", await Ns.IpAsync("-br", "link"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_namespace_that_does_not_exist_is_a_clear_error()
    {
        var (exit, _, stderr) = Run("diff", StateFile, "--netns", "gctnone-0000");

        Assert.Equal(ExitCodes.Error, exit);
        Assert.StartsWith("gatectl: netlink: cannot open rtnetlink in network namespace gctnone-0000", stderr, StringComparison.Ordinal);
    }

    private static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = GatectlCli.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
