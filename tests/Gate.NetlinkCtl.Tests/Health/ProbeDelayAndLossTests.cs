using System.Collections.Concurrent;
using System.Net;
using Gate.NetlinkCtl.Demo;
using Gate.NetlinkCtl.Health;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.Tests.Check;
using Gate.NetlinkCtl.Tests.EndToEnd;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Health;

/// <summary>
/// The health monitor on a slow, lossy path: round trip and loss as the daemon exports them. This kernel has no
/// sch_netem (tc reports "Specified qdisc kind is unknown"), so the delay and the loss are made as the check's probe
/// test makes them: the SIM answers 20 ms late from user space, and nftables drops every tenth VXLAN packet the peer
/// receives (numgen inc: exactly 10%, so the figure does not depend on chance).
/// </summary>
public sealed class ProbeDelayAndLossTests
{
    [Fact]
    public async Task Twenty_ms_of_delay_and_ten_percent_loss_show_in_the_round_trip_and_the_loss_ratio()
    {
        Prerequisites.RequireRoot();
        Prerequisites.RequireCommand("nft", "nftables");
        await using var emulator = await VpgEmulator.StartAsync(new EmulatorOptions("hl", SimCount: 1), TestContext.Current.CancellationToken);
        var state = emulator.PeerState();
        await PeerApply.ApplyAsync(emulator, state);
        var sim = emulator.Sims[0];
        await using var late = await DelayedEchoResponder.StartAsync(sim.Namespace, TimeSpan.FromMilliseconds(20));
        await TestNamespace.RunAsync("ip", ["netns", "exec", emulator.Peer.Namespace, "nft",
            "add table inet lossy { chain in { type filter hook input priority 0; udp dport 4789 numgen inc mod 10 == 0 drop; }; }"]);
        using var sink = new CollectingSink();
        var plan = new GateHealthPlan("vpg-demo", state.Gates[0].Interface, new EquatableList<IPAddress>([sim.Inner.Address]),
            TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(120));
        await using (var monitor = new HealthMonitor(emulator.Peer.Namespace, sink))
        {
            await monitor.FollowAsync(new EquatableList<GateHealthPlan>([plan]));
            // The first reply needs ARP through the overlay first; count from the first reply on.
            await sink.FirstReplyAsync();
            await sink.RoundsAsync(30);
        }

        var last = Assert.Single(sink.Latest!.Targets);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"20 ms late answers, every 10th VXLAN packet dropped: rtt {last.RttSeconds * 1000:F2} ms, loss {last.LossRatio:P0} of the last {last.WindowProbes}, "
            + $"{last.Replies}/{last.Sent} replies; lowest rtt seen {sink.LowestRtt * 1000:F2} ms; rounds {sink.Trace}");
        Assert.True(sink.LowestRtt >= 0.020, $"lowest rtt {sink.LowestRtt}");
        Assert.True(last.RttSeconds >= 0.020);
        Assert.InRange(last.LossRatio, 0.05, 0.35);
        Assert.Equal("up", last.State); // single losses never make a target down
        Assert.Empty(sink.Changes);
    }

    private sealed class CollectingSink : IHealthSink, IDisposable
    {
        private readonly SemaphoreSlim _rounds = new(0);

        public GateHealthStatus? Latest { get; private set; }

        public double LowestRtt { get; private set; } = double.MaxValue;

        public ConcurrentQueue<TargetState> Changes { get; } = new();

        /// <summary>'+' per round with a new reply, '.' per round without.</summary>
        public string Trace => string.Concat(_trace);

        private readonly ConcurrentQueue<char> _trace = new();
        private long _replies;

        public async Task FirstReplyAsync()
        {
            while (Interlocked.Read(ref _replies) == 0)
            {
                Assert.True(await _rounds.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), "no round came");
            }

            Changes.Clear();
            LowestRtt = double.MaxValue;
        }

        public async Task RoundsAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                Assert.True(await _rounds.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), $"round {i + 1} did not come");
            }
        }

        public void Restarted(IReadOnlyList<GateHealthPlan> plans)
        {
        }

        public void Record(GateHealthStatus status)
        {
            Latest = status;
            var replies = status.Targets.Sum(t => t.Replies);
            _trace.Enqueue(replies > Interlocked.Exchange(ref _replies, replies) ? '+' : '.');
            foreach (var rtt in status.Targets.Select(t => t.RttSeconds).OfType<double>())
            {
                LowestRtt = Math.Min(LowestRtt, rtt);
            }

            _rounds.Release();
        }

        public void Changed(string gate, TargetHealthTracker target, TargetState state, DateTimeOffset? previousChangeAt) => Changes.Enqueue(state);

        public void Unavailable(string gate, IPAddress target, string problem) => Assert.Fail(problem);

        public void Failed(string gate, string problem) => Assert.Fail(problem);

        public void Dispose() => _rounds.Dispose();
    }
}
