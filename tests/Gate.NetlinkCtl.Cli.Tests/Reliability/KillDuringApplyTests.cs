using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;

namespace Gate.NetlinkCtl.Cli.Tests.Reliability;

/// <summary>
/// <c>kill -9</c> at random points of a 10,000-entry apply, 20 times: whatever the killed process left, the next apply
/// converges (and plan then finds nothing to do), and the foreign objects beside the gate are never touched.
/// </summary>
public sealed class KillDuringApplyTests
{
    private const int Entries = 10_000;
    private const int Kills = 20;

    [Fact]
    public async Task Apply_killed_at_random_points_of_a_10000_entry_apply_converges_on_the_next_apply_and_keeps_foreign_objects()
    {
        await using var host = await PeerHost.CreateAsync("kl");
        // Two flood lists that share half their entries: each trial goes from one to the other (adds and removals),
        // the first trial from nothing (device, address, 10,000 adds).
        string[] states =
        [
            host.WriteState("a.yaml", PeerHost.FloodState(Entries, first: 0)),
            host.WriteState("b.yaml", PeerHost.FloodState(Entries, first: Entries / 2, mtu: 1400)),
        ];
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var fullApply = await TimeFullApplyAsync(host, states[0]);
        var upper = fullApply; // kills land before this; an apply that beats its kill lowers it to its own length
        Assert.Equal(ExitCodes.Ok, PeerHost.Run("delete", states[0], "--netns", host.Namespace.Name).Exit);
        var killed = 0;
        var trials = 0;
        var log = new List<string>();

        while (killed < Kills && trials < Kills * 3)
        {
            var target = states[trials % 2];
            var delay = TimeSpan.FromMilliseconds(random.Next(50, (int)Math.Max(100, upper.TotalMilliseconds)));
            var (wasKilled, exit, elapsed) = await ApplyAndKillAfterAsync(host, target, delay);
            killed += wasKilled ? 1 : 0;
            upper = wasKilled ? upper : elapsed * 0.9;
            trials++;
            log.Add($"trial {trials}: {(wasKilled ? "killed" : $"finished first (exit {exit})")} after {delay.TotalMilliseconds:0} ms");

            var (applyExit, applyOut, applyErr) = PeerHost.Run("apply", target, "--netns", host.Namespace.Name);
            var (planExit, planOut, _) = PeerHost.Run("plan", target, "--netns", host.Namespace.Name);

            var context = $"seed {seed}; {string.Join("; ", log)}";
            Assert.True(applyExit == ExitCodes.Ok, $"the apply after {log[^1]} exited {applyExit}: {applyOut}{applyErr} ({context})");
            Assert.True(planExit == ExitCodes.Ok, $"plan after {log[^1]} found changes: {planOut} ({context})");
            await host.Foreign.AssertIntactAsync(log[^1]);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{killed} kills in {trials} trials (seed {seed}); an unkilled 10,000-entry apply took {fullApply.TotalMilliseconds:0} ms");
        Assert.True(killed >= Kills, $"only {killed} of {trials} applies were killed before they finished (seed {seed}; a full apply took {fullApply.TotalMilliseconds:0} ms)");
        var floods = await host.Namespace.BridgeAsync("fdb", "show", "dev", "gate0");
        Assert.Equal(Entries, floods.Split('\n').Count(l => l.StartsWith("00:00:00:00:00:00 dst 198.", StringComparison.Ordinal)));
    }

    private static async Task<TimeSpan> TimeFullApplyAsync(PeerHost host, string state)
    {
        var clock = Stopwatch.StartNew();
        var result = await CliWrap.Cli.Wrap(PeerHost.Gatectl).WithArguments(["apply", state, "--netns", host.Namespace.Name])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == ExitCodes.Ok, result.StandardError);
        return clock.Elapsed;
    }

    /// <summary>Starts the real gatectl and sends it SIGKILL after <paramref name="delay"/> unless it finished first.</summary>
    private static async Task<(bool Killed, int Exit, TimeSpan Elapsed)> ApplyAndKillAfterAsync(PeerHost host, string state, TimeSpan delay)
    {
        using var kill = new CancellationTokenSource(delay);
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await CliWrap.Cli.Wrap(PeerHost.Gatectl).WithArguments(["apply", state, "--netns", host.Namespace.Name])
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(System.Text.Encoding.UTF8, System.Text.Encoding.UTF8, forcefulCancellationToken: kill.Token, gracefulCancellationToken: CancellationToken.None);
            return (false, result.ExitCode, clock.Elapsed);
        }
        catch (OperationCanceledException)
        {
            // CliWrap's forceful cancellation is Process.Kill: SIGKILL, no chance to clean up.
            return (true, -9, clock.Elapsed);
        }
    }
}
