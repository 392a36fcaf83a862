using Gate.NetlinkCtl.Daemon;

namespace Gate.NetlinkCtl.Tests.Daemon;

public class BackoffTests
{
    private static readonly Backoff OneSecondCappedAtAMinute = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(6, 32)]
    [InlineData(7, 60)]
    [InlineData(1000, 60)]
    public void The_delay_doubles_with_each_failure_up_to_the_cap(int failures, int expectedSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), OneSecondCappedAtAMinute.DelayAfter(failures));
    }

    [Fact]
    public void The_delay_never_decreases_nor_overflows_as_failures_grow()
    {
        var previous = TimeSpan.Zero;
        for (var failures = 0; failures < 200; failures++)
        {
            var delay = Backoff.Default.DelayAfter(failures);
            Assert.InRange(delay, previous, Backoff.Default.Cap);
            previous = delay;
        }
    }
}
