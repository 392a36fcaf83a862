using CliWrap;
using CliWrap.Buffered;

namespace Gate.NetlinkCtl.Cli.Tests.Reliability;

/// <summary>
/// Two gatectl processes apply different states to the same namespace at the same moment: the apply lock serializes
/// them, so each verifies its own state in sync (an interleaving would fail its verify), and the host ends exactly in
/// one of the two states, with the foreign objects untouched.
/// </summary>
public sealed class ConcurrentApplyTests
{
    [Fact]
    public async Task Two_concurrent_applies_serialize_and_the_host_ends_in_exactly_one_of_their_states()
    {
        await using var host = await PeerHost.CreateAsync("cc");
        var first = host.WriteState("first.yaml", PeerHost.FloodState(3_000, first: 0));
        var second = host.WriteState("second.yaml", PeerHost.FloodState(3_000, first: 1_500, mtu: 1400));
        var ct = TestContext.Current.CancellationToken;

        var results = await Task.WhenAll(
            CliWrap.Cli.Wrap(PeerHost.Gatectl).WithArguments(["apply", first, "--netns", host.Namespace.Name]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(ct).Task,
            CliWrap.Cli.Wrap(PeerHost.Gatectl).WithArguments(["apply", second, "--netns", host.Namespace.Name]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(ct).Task);
        var inSync = new[] { first, second }.Select(state => PeerHost.Run("plan", state, "--netns", host.Namespace.Name).Exit == ExitCodes.Ok).ToList();

        Assert.All(results, r =>
        {
            Assert.True(r.ExitCode == ExitCodes.Ok, r.StandardOutput + r.StandardError);
            Assert.Contains("verified in sync", r.StandardOutput, StringComparison.Ordinal);
        });
        Assert.Equal(1, inSync.Count(s => s));
        await host.Foreign.AssertIntactAsync("after two concurrent applies");
    }
}
