using System.Net;
using Gate.NetlinkCtl.Health;

namespace Gate.NetlinkCtl.Tests.Health;

/// <summary>One target's history: down only after three misses in a row, one change reported each way, loss over a window.</summary>
public sealed class TargetHealthTrackerTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_780_000_000);
    private static readonly TimeSpan Rtt = TimeSpan.FromMilliseconds(12);

    [Fact]
    public void A_target_goes_down_after_three_misses_in_a_row_and_each_change_is_reported_once()
    {
        var tracker = new TargetHealthTracker(IPAddress.Parse("198.18.1.17"));

        var changes = new List<TargetState?>
        {
            tracker.Record(Rtt, T0), // first reply: up, but not news
            tracker.Record(null, T0.AddSeconds(30)),
            tracker.Record(null, T0.AddSeconds(60)),
            tracker.Record(null, T0.AddSeconds(90)), // third in a row: down
            tracker.Record(null, T0.AddSeconds(120)),
            tracker.Record(Rtt, T0.AddSeconds(150)), // back
            tracker.Record(Rtt, T0.AddSeconds(180)),
        };

        Assert.Equal([null, null, null, TargetState.Down, null, TargetState.Up, null], changes);
        Assert.Equal(TargetState.Up, tracker.State);
        Assert.Equal(T0.AddSeconds(150), tracker.ChangedAt);
    }

    [Fact]
    public void Single_losses_on_a_lossy_path_never_make_the_target_down()
    {
        var tracker = new TargetHealthTracker(IPAddress.Parse("198.18.1.17"));

        for (var i = 0; i < 40; i++)
        {
            Assert.Null(tracker.Record(i % 3 == 2 ? null : Rtt, T0.AddSeconds(i)));
            Assert.Equal(TargetState.Up, tracker.State);
        }
    }

    [Fact]
    public void The_loss_ratio_covers_only_the_latest_twenty_probes()
    {
        var tracker = new TargetHealthTracker(IPAddress.Parse("198.18.1.17"));
        for (var i = 0; i < 10; i++)
        {
            tracker.Record(null, T0.AddSeconds(i));
        }

        Assert.Equal(1.0, tracker.LossRatio);
        for (var i = 0; i < 15; i++)
        {
            tracker.Record(Rtt, T0.AddSeconds(10 + i));
        }

        // 25 probes: the latest 20 are 5 misses and 15 replies.
        Assert.Equal(TargetHealthTracker.Window, tracker.WindowProbes);
        Assert.Equal(0.25, tracker.LossRatio);
        Assert.Equal((25, 15), (tracker.Sent, tracker.Replies));
        var snapshot = tracker.Snapshot();
        Assert.Equal("up", snapshot.State);
        Assert.Equal(0.012, snapshot.RttSeconds!.Value, 6);
    }

    [Fact]
    public void A_target_that_cannot_be_probed_is_unavailable_and_says_so_once()
    {
        var tracker = new TargetHealthTracker(IPAddress.Parse("198.18.1.17"));

        Assert.True(tracker.RecordUnavailable("no ICMP socket", T0));
        Assert.False(tracker.RecordUnavailable("no ICMP socket", T0.AddSeconds(30)));

        Assert.Equal("unavailable", tracker.Snapshot().State);
        Assert.Equal("no ICMP socket", tracker.Snapshot().Problem);
        Assert.Equal(0, tracker.Sent);
    }
}
