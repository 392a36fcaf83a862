using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Gate.NetlinkCtl.Daemon;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gate.NetlinkCtl.Tests.Daemon;

/// <summary>
/// A reconcile stuck on a dependency that never answers is cancelled at the daemon's bound, recorded as failed and
/// retried on the backoff; meanwhile the daemon keeps writing its status and reading kernel events.
/// </summary>
public sealed class ReconcileBoundTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gct-bound-").FullName;

    [Fact]
    public async Task A_reconcile_past_its_bound_is_cancelled_recorded_and_retried_while_status_and_events_go_on()
    {
        var feed = new ManualFeed();
        var pass = new StuckOncePass();
        var statePath = Path.Combine(_dir, "state.yaml");
        var statusPath = Path.Combine(_dir, "status.json");
        File.WriteAllText(statePath, DaemonStateFiles.Lab);
        var options = new DaemonOptions(statePath, null, statusPath) { ReconcileTimeout = TimeSpan.FromSeconds(1), CancelGrace = TimeSpan.FromSeconds(1) };
        using var daemon = new ReconcileDaemon(options, new StateInForce(statePath), pass, feed, NullLogger<ReconcileDaemon>.Instance);
        var ct = TestContext.Current.CancellationToken;

        await daemon.StartAsync(ct);
        feed.Change(); // the second pass starts, and hangs on its "dependency"
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(pass.Calls == 2), TimeSpan.FromSeconds(5)));
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(StatusFile.Read(statusPath) is { ConsecutiveFailures: 1 }), TimeSpan.FromSeconds(5)),
            "the status shows the cancelled pass as failed");
        var failed = StatusFile.Read(statusPath)!;
        Assert.True(pass.SawCancellation, "the stuck pass was cancelled through its token");
        Assert.Contains("did not finish within its bound of 1s and was cancelled", failed.LastReconcile!.Error, StringComparison.Ordinal);
        Assert.NotNull(failed.NextRetryAt);

        // The retry on the backoff (1 s) succeeds; the event listener still works: a change from outside starts one more.
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(StatusFile.Read(statusPath) is { ConsecutiveFailures: 0, LastReconcile.Result: "in-sync" }), TimeSpan.FromSeconds(5)),
            "the retry in sync");
        var before = pass.Calls;
        feed.Change();
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(pass.Calls == before + 1), TimeSpan.FromSeconds(5)), "a reconcile from a later kernel event");
        await daemon.StopAsync(ct);
    }

    [Fact]
    public async Task A_pass_that_ignores_its_cancellation_blocks_new_passes_until_it_ends_and_says_so()
    {
        var pass = new DeafPass();
        var statePath = Path.Combine(_dir, "state.yaml");
        var statusPath = Path.Combine(_dir, "status.json");
        File.WriteAllText(statePath, DaemonStateFiles.Lab);
        var options = new DaemonOptions(statePath, null, statusPath, ListenForEvents: false)
        {
            ReconcileTimeout = TimeSpan.FromMilliseconds(300),
            CancelGrace = TimeSpan.FromMilliseconds(300),
            Backoff = new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200)),
        };
        using var daemon = new ReconcileDaemon(options, new StateInForce(statePath), pass, null, NullLogger<ReconcileDaemon>.Instance);
        var ct = TestContext.Current.CancellationToken;

        await daemon.StartAsync(ct); // returns after the bound and the grace: READY is never held for ever
        var first = StatusFile.Read(statusPath)!;
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(StatusFile.Read(statusPath) is { ConsecutiveFailures: >= 2 }), TimeSpan.FromSeconds(5)));
        var second = StatusFile.Read(statusPath)!;
        pass.Release();
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(StatusFile.Read(statusPath) is { ConsecutiveFailures: 0 }), TimeSpan.FromSeconds(5)), "in sync once the stuck pass ended");
        await daemon.StopAsync(ct);

        Assert.Contains("had not ended 300ms later", first.LastReconcile!.Error, StringComparison.Ordinal);
        Assert.Contains("has still not ended, so no new one starts", second.LastReconcile!.Error, StringComparison.Ordinal);
        Assert.Equal(2, pass.Calls); // the stuck one, then the first retry after it ended: never two at once
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>In sync, except its second call, which waits for a dependency that never answers (until cancelled).</summary>
    private sealed class StuckOncePass : IReconcilePass
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public bool SawCancellation { get; private set; }

        public async Task<ReconcileOutcome> RunAsync(DesiredState state, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == 2)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    SawCancellation = true;
                    throw;
                }
            }

            return new ReconcileOutcome([], [new GateSync("lab", "vxlab0", true)], null);
        }
    }

    /// <summary>Its first call ignores cancellation and ends only when the test releases it.</summary>
    private sealed class DeafPass : IReconcilePass
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public void Release() => _release.TrySetResult();

        public async Task<ReconcileOutcome> RunAsync(DesiredState state, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                await _release.Task;
            }

            return new ReconcileOutcome([], [new GateSync("lab", "vxlab0", true)], null);
        }
    }

    /// <summary>Kernel events on the gate's device, whenever the test asks.</summary>
    private sealed class ManualFeed : IKernelEventFeed
    {
        private readonly Channel<KernelChange> _changes = Channel.CreateUnbounded<KernelChange>();

        public void Change() => _changes.Writer.TryWrite(new KernelChange(KernelChangeKind.Link, 7, "vxlab0", Removed: false));

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
