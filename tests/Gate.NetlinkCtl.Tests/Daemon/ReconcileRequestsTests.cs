using Gate.NetlinkCtl.Daemon;

namespace Gate.NetlinkCtl.Tests.Daemon;

public class ReconcileRequestsTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_burst_of_requests_is_handed_over_as_one()
    {
        var requests = new ReconcileRequests();
        for (var i = 0; i < 500; i++)
        {
            requests.Request(ReconcileTrigger.KernelEvent);
        }

        requests.Request(ReconcileTrigger.StateFileChanged);

        var burst = await requests.WaitBurstAsync(Long, ReconcileTrigger.Periodic, TimeSpan.FromMilliseconds(50), Long, TestContext.Current.CancellationToken);

        Assert.Equal([ReconcileTrigger.KernelEvent, ReconcileTrigger.StateFileChanged], burst.Order());
        // Everything was consumed: the next wait sees nothing and times out as the periodic resync.
        var next = await requests.WaitBurstAsync(TimeSpan.FromMilliseconds(10), ReconcileTrigger.Periodic, TimeSpan.FromMilliseconds(10), Long, TestContext.Current.CancellationToken);
        Assert.Equal([ReconcileTrigger.Periodic], next);
    }

    [Fact]
    public async Task A_request_that_arrives_during_the_quiet_period_joins_the_burst()
    {
        var requests = new ReconcileRequests();
        requests.Request(ReconcileTrigger.KernelEvent);
        var waiting = requests.WaitBurstAsync(Long, ReconcileTrigger.Periodic, TimeSpan.FromSeconds(2), Long, TestContext.Current.CancellationToken);

        requests.Request(ReconcileTrigger.Reload);

        Assert.Equal([ReconcileTrigger.KernelEvent, ReconcileTrigger.Reload], (await waiting).Order());
    }

    [Fact]
    public async Task A_burst_ends_at_its_cap_even_while_requests_keep_coming()
    {
        var requests = new ReconcileRequests();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var producer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                requests.Request(ReconcileTrigger.KernelEvent);
                await Task.Delay(5, CancellationToken.None);
            }
        }, CancellationToken.None);

        var burst = await requests.WaitBurstAsync(Long, ReconcileTrigger.Periodic, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken);
        // Without the cap the wait would only end once the producer stops (its 20 s bound) and falls quiet.
        var endedWhileRequestsKeptComing = !stop.IsCancellationRequested;
        await stop.CancelAsync();
        await producer;

        Assert.True(endedWhileRequestsKeptComing);
        Assert.Equal([ReconcileTrigger.KernelEvent], burst);
    }

    [Fact]
    public async Task Without_requests_the_wait_ends_with_the_idle_trigger()
    {
        var requests = new ReconcileRequests();

        var burst = await requests.WaitBurstAsync(TimeSpan.FromMilliseconds(20), ReconcileTrigger.Retry, Long, Long, TestContext.Current.CancellationToken);

        Assert.Equal([ReconcileTrigger.Retry], burst);
    }

    [Fact]
    public async Task Cancellation_ends_the_wait()
    {
        var requests = new ReconcileRequests();
        using var cancel = new CancellationTokenSource();
        var waiting = requests.WaitBurstAsync(Long, ReconcileTrigger.Periodic, Long, Long, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
