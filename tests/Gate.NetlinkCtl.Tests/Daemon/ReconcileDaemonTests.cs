using System.Runtime.CompilerServices;
using Gate.NetlinkCtl.Daemon;
using Gate.NetlinkCtl.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gate.NetlinkCtl.Tests.Daemon;

/// <summary>
/// The reconcile loop alone, with a counting reconcile pass and a scripted event feed (the kernel side is
/// covered by the daemon process tests in Gate.NetlinkCtl.Cli.Tests): how many reconciles requests become.
/// </summary>
public sealed class ReconcileDaemonTests : IDisposable
{
    private static readonly string Valid = DaemonStateFiles.Lab;

    private readonly string _dir = Directory.CreateTempSubdirectory("gct-loop-").FullName;

    [Fact]
    public async Task A_burst_of_kernel_events_on_a_gate_is_one_reconcile_and_foreign_events_none()
    {
        var feed = new ScriptedFeed(new Dictionary<string, int> { ["vxlab0"] = 7, ["u0"] = 2, ["other0"] = 9 });
        var pass = new CountingPass();
        using var daemon = CreateDaemon(pass, feed, out var statusPath, out var statePath);
        await daemon.StartAsync(TestContext.Current.CancellationToken);

        // 100 FDB/address changes on the gate (a device deleted by hand takes its entries with it), interleaved
        // with changes on a foreign device.
        feed.Release([.. Enumerable.Range(0, 100).SelectMany(i => new[]
        {
            new KernelChange(i % 2 == 0 ? KernelChangeKind.Neighbour : KernelChangeKind.Address, 7, null, Removed: true),
            new KernelChange(KernelChangeKind.Neighbour, 9, null, Removed: false),
        })]);
        await WaitForAsync(statusPath, s => s.LastReconcile!.Triggers.Contains("kernel-event"));
        // A later, separate request: if the burst had been split, a second kernel-event reconcile would come
        // before it or be merged into it.
        await File.AppendAllTextAsync(statePath, "\n# edited\n", TestContext.Current.CancellationToken);
        var status = await WaitForAsync(statusPath, s => s.LastReconcile!.Triggers.Contains("state-file-changed"));
        await daemon.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["state-file-changed"], status.LastReconcile!.Triggers);
        Assert.Equal(3, status.Totals.Reconciles); // start, the burst, the edit
        Assert.Equal(3, pass.Calls);
    }

    [Fact]
    public async Task A_touched_state_file_with_the_same_content_causes_no_reconcile()
    {
        var pass = new CountingPass();
        using var daemon = CreateDaemon(pass, null, out var statusPath, out var statePath);
        await daemon.StartAsync(TestContext.Current.CancellationToken);
        var before = File.GetLastWriteTimeUtc(statusPath);

        await File.WriteAllTextAsync(statePath, Valid, TestContext.Current.CancellationToken);
        // The status is rewritten after the file is looked at, with no reconcile in between.
        await WaitForAsync(statusPath, _ => File.GetLastWriteTimeUtc(statusPath) > before);
        await daemon.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, pass.Calls);
    }

    [Fact]
    public async Task A_pass_woken_by_a_kernel_event_that_finds_new_state_content_names_the_state_change_too()
    {
        var feed = new ScriptedFeed(new Dictionary<string, int> { ["vxlab0"] = 7 });
        var pass = new CountingPass();
        using var daemon = CreateDaemon(pass, feed, out var statusPath, out var statePath);
        // A second name for the state file in another directory: a write through it changes the content while the
        // daemon's watch on the state file's directory hears nothing, so only the kernel event wakes the pass (the
        // order in which a kernel event overtakes the watcher's own notification).
        var otherName = Path.Combine(Directory.CreateDirectory(Path.Combine(_dir, "elsewhere")).FullName, "state.yaml");
        HardLink(statePath, otherName);
        await daemon.StartAsync(TestContext.Current.CancellationToken);
        var first = (await WaitForAsync(statusPath, s => s.LastReconcile is not null)).State.Sha256;

        await File.WriteAllTextAsync(otherName, Valid + "\n# edited\n", TestContext.Current.CancellationToken);
        feed.Release([new KernelChange(KernelChangeKind.Neighbour, 7, null, Removed: true)]);
        var status = await WaitForAsync(statusPath, s => s.State.Sha256 != first);
        await daemon.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["kernel-event", "state-file-changed"], status.LastReconcile!.Triggers);
        Assert.Equal(2, pass.Calls);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int link(string oldPath, string newPath);

    private static void HardLink(string existing, string newName) =>
        Assert.True(link(existing, newName) == 0, $"link({existing}, {newName}) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");

    private ReconcileDaemon CreateDaemon(CountingPass pass, ScriptedFeed? feed, out string statusPath, out string statePath)
    {
        statePath = Path.Combine(_dir, "state.yaml");
        statusPath = Path.Combine(_dir, "status.json");
        File.WriteAllText(statePath, Valid);
        var options = new DaemonOptions(statePath, null, statusPath, ListenForEvents: feed is not null);
        return new ReconcileDaemon(options, new StateInForce(statePath), pass, feed, NullLogger<ReconcileDaemon>.Instance);
    }

    private static async Task<DaemonStatus> WaitForAsync(string statusPath, Func<DaemonStatus, bool> condition) =>
        await DaemonStateFiles.WaitForStatusAsync(statusPath, condition);

    private sealed class CountingPass : IReconcilePass
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<ReconcileOutcome> RunAsync(DesiredState state, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(new ReconcileOutcome([], [new GateSync("lab", "vxlab0", true)], null));
        }
    }

    private sealed class ScriptedFeed(IReadOnlyDictionary<string, int> interfaces) : IKernelEventFeed
    {
        private readonly TaskCompletionSource<KernelChange[]> _changes = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release(KernelChange[] changes) => _changes.SetResult(changes);

        public Task<IReadOnlyDictionary<string, int>> ListInterfacesAsync(CancellationToken cancellationToken) => Task.FromResult(interfaces);

        public async IAsyncEnumerable<KernelChange> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var change in await _changes.Task.WaitAsync(cancellationToken))
            {
                yield return change;
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }
}
