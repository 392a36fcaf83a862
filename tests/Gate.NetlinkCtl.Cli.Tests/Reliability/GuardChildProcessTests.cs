using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Reliability;

/// <summary>
/// The guard starts no process: a 10,000-endpoint apply with <c>guard: true</c>, cold and then as a no-op, runs
/// under <c>strace -f</c>, and the only program ever executed is gatectl itself; no fork or clone makes a process.
/// </summary>
public sealed partial class GuardChildProcessTests
{
    [Fact]
    public async Task A_10000_endpoint_apply_with_the_guard_on_executes_no_program_but_gatectl_cold_or_in_sync()
    {
        Prerequisites.RequireCommand("strace", "strace");
        Prerequisites.RequireCommand("nft", "nftables");
        await using var host = await PeerHost.CreateAsync("gx");
        var state = host.WriteState("state.yaml", PeerHost.FloodState(10_000, guard: true));

        var cold = await TraceAsync(host, "apply", state, "--netns", host.Namespace.Name);
        var noop = await TraceAsync(host, "apply", state, "--netns", host.Namespace.Name);

        Assert.Equal([PeerHost.Gatectl], cold.Executed);
        Assert.Equal(0, cold.Processes);
        Assert.Equal([PeerHost.Gatectl], noop.Executed);
        Assert.Equal(0, noop.Processes);
        var table = await host.Namespace.ExecAsync("nft", "-j", "list", "set", "inet", "gatectl_guard", "sources_soracom");
        Assert.Equal(10_000, Regex.Count(table, @"""198\.18\.\d+\.\d+"""));
    }

    // The programs executed (successful execve) and the processes created (fork, vfork, clone without CLONE_THREAD).
    private static async Task<(List<string> Executed, int Processes)> TraceAsync(PeerHost host, params string[] args)
    {
        var trace = Path.Combine(host.Directory, $"trace-{Guid.NewGuid():N}");
        var run = await CliWrap.Cli.Wrap("strace")
            .WithArguments(["-f", "-qq", "--seccomp-bpf", "-e", "trace=execve,fork,vfork,clone,clone3", "-o", trace, PeerHost.Gatectl, .. args])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);
        Assert.True(run.ExitCode == ExitCodes.Ok, run.StandardOutput + run.StandardError);
        var lines = await File.ReadAllLinesAsync(trace, TestContext.Current.CancellationToken);
        var executed = lines.Select(l => Execve().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        var processes = lines.Count(l => Fork().IsMatch(l) && !l.Contains("CLONE_THREAD", StringComparison.Ordinal));
        return (executed, processes);
    }

    [GeneratedRegex(@"^\d+\s+execve\(""([^""]+)"".*\)\s+=\s+0$")]
    private static partial Regex Execve();

    [GeneratedRegex(@"^\d+\s+(fork|vfork|clone|clone3)\(")]
    private static partial Regex Fork();
}
