using System.Text.RegularExpressions;
using Gate.NetlinkCtl.Cli.Commands;
using Gate.NetlinkCtl.Demo;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests;

/// <summary><c>gatectl demo</c> run for real, as root, in namespaces it makes and removes.</summary>
public sealed partial class DemoCommandTests
{
    [Fact]
    public async Task The_demo_proves_traffic_both_ways_and_leaves_no_namespace_behind()
    {
        RequireDemoTools();
        var stdout = new StringWriter();

        var exit = GatectlCli.Run(["demo"], stdout, new StringWriter());

        var report = stdout.ToString();
        Assert.True(exit == ExitCodes.Ok, report);
        Assert.Contains("gatectl apply in ", report, StringComparison.Ordinal);
        Assert.Contains("  | apiVersion: gatectl/v1", report, StringComparison.Ordinal);
        Assert.Contains("16/16 checks passed", report, StringComparison.Ordinal);
        Assert.Equal(2, CheckLines(report, DemoChecks.DeviceToInternet).Count(line => line.StartsWith("  ✔", StringComparison.Ordinal)));
        Assert.Equal(2, CheckLines(report, DemoChecks.VpcToDevice).Count(line => line.StartsWith("  ✔", StringComparison.Ordinal)));
        Assert.Equal(6, CheckLines(report, DemoChecks.CloudToDevice).Count(line => line.StartsWith("  ✔", StringComparison.Ordinal)));
        Assert.Equal(4, CheckLines(report, DemoChecks.DeviceToCloud).Count(line => line.StartsWith("  ✔", StringComparison.Ordinal)));
        Assert.DoesNotContain("✘", report, StringComparison.Ordinal);
        Assert.Contains("(the command to run when traffic does not flow):", report, StringComparison.Ordinal);
        Assert.Contains("  ✔ probe 198.18.1.1: 5/5 replies", report, StringComparison.Ordinal);
        Assert.Matches(@"\n(\d+) checks: \1 passed, 0 warnings, 0 failed\n", report);
        var prefix = BuiltPrefix(report);
        Assert.DoesNotContain(await VpgEmulator.ListNamespacesAsync(), ns => ns.StartsWith(prefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_kept_demo_stays_until_demo_down_removes_it()
    {
        RequireDemoTools();
        var kept = new StringWriter();

        var exit = GatectlCli.Run(["demo", "--keep"], kept, new StringWriter());
        var prefix = BuiltPrefix(kept.ToString());
        var left = (await VpgEmulator.ListNamespacesAsync()).Where(ns => ns.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var statePath = Path.Combine(VpgEmulator.WorkRoot(DemoCommand.Tag), prefix["gctdemo-".Length..^1], "state.yaml");
        var stateKept = File.Exists(statePath);
        var down = new StringWriter();
        var downExit = GatectlCli.Run(["demo", "down"], down, new StringWriter());

        Assert.True(exit == ExitCodes.Ok, kept.ToString());
        Assert.Contains($"sudo ip netns exec {prefix}peer ping -c 3 198.18.1.1", kept.ToString(), StringComparison.Ordinal);
        Assert.Equal(9, left.Count);
        Assert.True(stateKept, $"no state file at {statePath}");
        Assert.False(File.Exists(statePath));
        Assert.Equal(ExitCodes.Ok, downExit);
        Assert.Contains($"removed {left.Count} namespaces", down.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(await VpgEmulator.ListNamespacesAsync(), ns => ns.StartsWith(prefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_root_the_demo_says_so_in_one_line_and_fails()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await DemoCommand.RunAsync(keep: false, privileged: false, stdout, stderr, TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Equal("", stdout.ToString());
        Assert.Equal("gatectl demo: needs root to create network namespaces: run it with sudo (sudo ./dev.sh demo)", stderr.ToString().TrimEnd());
    }

    private static void RequireDemoTools()
    {
        Prerequisites.RequireRoot();
        Prerequisites.RequireCommand("ip", "iproute2");
        Prerequisites.RequireCommand("ping", "iputils-ping");
        Prerequisites.RequireCommand("tcpdump", "tcpdump");
    }

    private static IEnumerable<string> CheckLines(string report, string direction) =>
        report.Split('\n').Where(line => line.Contains(direction, StringComparison.Ordinal));

    private static string BuiltPrefix(string report)
    {
        var match = Prefix().Match(report);
        Assert.True(match.Success, report);
        return match.Groups["prefix"].Value;
    }

    [GeneratedRegex(@"Built \(namespaces (?<prefix>gctdemo-[0-9a-f]{6}-)\*\)")]
    private static partial Regex Prefix();
}
