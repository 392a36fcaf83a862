using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Gate.NetlinkCtl.Daemon;
using Gate.NetlinkCtl.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gate.NetlinkCtl.Tests.Daemon;

/// <summary>
/// A reconcile that keeps failing, and whose apply and restore echo back as kernel events on the gate (as a real
/// failed apply does): the daemon retries on its backoff (1 s, 2 s, 4 s, ...) instead of spinning on its own echoes,
/// yet a kernel event that comes later, from outside, still starts a reconcile at once.
/// </summary>
public sealed class FailureBackoffTests : IDisposable
{
    private static readonly string Valid = DaemonStateFiles.Lab;

    private readonly string _dir = Directory.CreateTempSubdirectory("gct-backoff-").FullName;

    [Fact]
    public async Task A_failing_reconcile_is_not_restarted_by_the_kernel_events_of_its_own_restore()
    {
        var feed = new EchoFeed();
        var pass = new FailingPass(feed);
        var statePath = Path.Combine(_dir, "state.yaml");
        var statusPath = Path.Combine(_dir, "status.json");
        File.WriteAllText(statePath, Valid);
        using var daemon = new ReconcileDaemon(
            new DaemonOptions(statePath, null, statusPath, ListenForEvents: true), new StateInForce(statePath), pass, feed, NullLogger<ReconcileDaemon>.Instance);

        await daemon.StartAsync(TestContext.Current.CancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken);
        var afterBackoff = pass.Calls;
        feed.Echo(); // a change from outside, long after the last attempt
        await Task.Delay(TimeSpan.FromSeconds(0.8), TestContext.Current.CancellationToken);
        var afterOutsideEvent = pass.Calls;
        await daemon.StopAsync(TestContext.Current.CancellationToken);

        // start, the retry after 1 s, (the one after 2 more s may just have begun): never one per echo.
        Assert.InRange(afterBackoff, 2, 3);
        Assert.Equal(afterBackoff + 1, afterOutsideEvent);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Fails every time, after making the kernel report changes on the gate (its apply, then its restore).</summary>
    private sealed class FailingPass(EchoFeed feed) : IReconcilePass
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<ReconcileOutcome> RunAsync(DesiredState state, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            feed.Echo();
            return Task.FromResult(new ReconcileOutcome([], [new GateSync("lab", "vxlab0", false)], "verify failed: applied, but the host still differs"));
        }
    }

    /// <summary>Kernel events on the gate's device, whenever asked.</summary>
    private sealed class EchoFeed : IKernelEventFeed
    {
        private readonly Channel<KernelChange> _changes = Channel.CreateUnbounded<KernelChange>();

        public void Echo()
        {
            _changes.Writer.TryWrite(new KernelChange(KernelChangeKind.Link, 7, "vxlab0", Removed: false));
            _changes.Writer.TryWrite(new KernelChange(KernelChangeKind.Neighbour, 7, null, Removed: true));
        }

        public Task<IReadOnlyDictionary<string, int>> ListInterfacesAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, int>>(new Dictionary<string, int> { ["vxlab0"] = 7, ["u0"] = 2 });

        public async IAsyncEnumerable<KernelChange> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var change in _changes.Reader.ReadAllAsync(cancellationToken))
            {
                yield return change;
            }
        }
    }
}
