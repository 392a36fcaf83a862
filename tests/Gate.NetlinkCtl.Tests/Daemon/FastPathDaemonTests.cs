using System.Net;
using System.Runtime.CompilerServices;
using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Daemon;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;

namespace Gate.NetlinkCtl.Tests.Daemon;

/// <summary>
/// The reconcile loop with its fast path, against a scripted event feed and a substitute writer (the kernel side is
/// covered by the daemon process tests in Gate.NetlinkCtl.Cli.Tests): what is appended at once, what is counted.
/// </summary>
public sealed class FastPathDaemonTests : IDisposable
{
    private static readonly string Valid = DaemonStateFiles.Lab;

    private static readonly IPAddress Endpoint = IPAddress.Parse("198.51.100.4");
    private readonly string _dir = Directory.CreateTempSubdirectory("gct-fast-").FullName;

    [Fact]
    public async Task A_deleted_flood_entry_is_appended_at_once_and_its_echo_asks_for_no_reconcile()
    {
        var feed = new ScriptedFeed();
        var pass = new ScopedPass(withScope: true);
        var writer = Substitute.For<IFloodEntryWriter>();
        writer.Append(7, Endpoint).Returns(true);
        using var daemon = CreateDaemon(pass, feed, writer, out var statusPath);
        await daemon.StartAsync(TestContext.Current.CancellationToken);

        feed.Release(
        [
            Flood(Endpoint, removed: true),
            Flood(Endpoint, removed: false), // the append's own RTM_NEWNEIGH
            Flood(IPAddress.Parse("198.51.100.99"), removed: true), // not wanted: only the reconcile looks at it
        ]);
        var status = await WaitForAsync(statusPath, s => s.LastReconcile!.Triggers.Contains("kernel-event"));
        await daemon.StopAsync(TestContext.Current.CancellationToken);

        writer.Received(1).Append(7, Endpoint);
        writer.ReceivedWithAnyArgs(1).Append(default, default!);
        Assert.Equal(2, pass.Calls); // start, then one reconcile for the whole burst
        Assert.Equal(1, status.Totals.Repairs);
        var repair = Assert.Single(status.LastRepair!.Repairs);
        Assert.Equal(new DriftRepair("lab", "add-flood", "add flood entry 00:00:00:00:00:00 dst 198.51.100.4 to vxlab0"), repair);
        Assert.Equal(["kernel-event"], status.LastRepair.Triggers);
    }

    [Fact]
    public async Task Without_a_scope_from_the_pass_nothing_is_appended_and_the_reconcile_repairs()
    {
        var feed = new ScriptedFeed();
        var pass = new ScopedPass(withScope: false); // as with the iproute2 backend, or after a failed pass
        var writer = Substitute.For<IFloodEntryWriter>();
        using var daemon = CreateDaemon(pass, feed, writer, out var statusPath);
        await daemon.StartAsync(TestContext.Current.CancellationToken);

        feed.Release([Flood(Endpoint, removed: true)]);
        await WaitForAsync(statusPath, s => s.LastReconcile!.Triggers.Contains("kernel-event"));
        await daemon.StopAsync(TestContext.Current.CancellationToken);

        writer.DidNotReceiveWithAnyArgs().Append(default, default!);
        Assert.Equal(2, pass.Calls);
    }

    [Fact]
    public async Task A_deletion_seen_while_a_new_state_is_applied_is_judged_by_that_state_and_not_fought()
    {
        var feed = new ScriptedFeed();
        var pass = new ScopedPass(withScope: true);
        var writer = Substitute.For<IFloodEntryWriter>();
        using var daemon = CreateDaemon(pass, feed, writer, out var statusPath);
        await daemon.StartAsync(TestContext.Current.CancellationToken);
        var applying = pass.HoldNext();

        // The new state drops 198.51.100.4; while it is applied, that entry's removal is announced.
        await File.WriteAllTextAsync(Path.Combine(_dir, "state.yaml"), Valid.Replace("198.51.100.4", "198.51.100.5", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        await applying.Entered.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        feed.Release([Flood(Endpoint, removed: true)]);
        await Task.Delay(200, TestContext.Current.CancellationToken); // time enough to append, were the fast path not waiting
        writer.DidNotReceiveWithAnyArgs().Append(default, default!);
        applying.Finish.SetResult();
        await WaitForAsync(statusPath, s => s.LastReconcile!.Triggers.Contains("kernel-event"));
        await daemon.StopAsync(TestContext.Current.CancellationToken);

        writer.DidNotReceiveWithAnyArgs().Append(default, default!);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static KernelChange Flood(IPAddress destination, bool removed) =>
        new(KernelChangeKind.Neighbour, 7, null, removed) { Fdb = new FdbChange(Ownership.FloodMac, destination, Permanent: true, Self: true) };

    private ReconcileDaemon CreateDaemon(ScopedPass pass, ScriptedFeed feed, IFloodEntryWriter writer, out string statusPath)
    {
        var statePath = Path.Combine(_dir, "state.yaml");
        statusPath = Path.Combine(_dir, "status.json");
        File.WriteAllText(statePath, Valid);
        var options = new DaemonOptions(statePath, null, statusPath);
        return new ReconcileDaemon(options, new StateInForce(statePath), pass, feed, NullLogger<ReconcileDaemon>.Instance, writer);
    }

    private static async Task<DaemonStatus> WaitForAsync(string statusPath, Func<DaemonStatus, bool> condition) =>
        await DaemonStateFiles.WaitForStatusAsync(statusPath, condition);

    /// <summary>A pass that finds everything in sync and, when asked, vouches for vxlab0 (index 7) as gate lab's own.</summary>
    private sealed class ScopedPass(bool withScope) : IReconcilePass
    {
        private int _calls;
        private Hold? _hold;

        public int Calls => Volatile.Read(ref _calls);

        /// <summary>The next pass signals when it starts and ends only when told to.</summary>
        public Hold HoldNext() => _hold = new Hold();

        public async Task<ReconcileOutcome> RunAsync(DesiredState state, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            if (Interlocked.Exchange(ref _hold, null) is { } hold)
            {
                hold.Entered.SetResult();
                await hold.Finish.Task.WaitAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
            }

            var device = new ObservedDevice("vxlab0", 7, "vxlan", Ownership.AliasFor("lab"), 1450, true,
                new ObservedVxlan(10, IPAddress.Parse("192.0.2.10"), "u0", 2, 4789, PortRange.Default, false));
            return new ReconcileOutcome([], [new GateSync("lab", "vxlab0", true)], null)
            {
                FloodRepairs = withScope ? Scope(state, device) : null,
            };
        }

        // The scope a reconcile of the state leaves over the device it observed (its underlay u0 present).
        private static FloodRepairScope Scope(DesiredState state, ObservedDevice device)
        {
            var host = ObservedHost.Create([new ObservedGate(device, EquatableList<ObservedAddress>.Empty, EquatableList<ObservedFdbEntry>.Empty, EquatableList<ObservedRoute>.Empty)], [], [new ObservedUnderlay("u0", 2, 1500, true)]);
            return FloodRepairScope.Create(GatePlanner.Plan(state, host).Changes, [device]);
        }

        public sealed class Hold
        {
            public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public TaskCompletionSource Finish { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    private sealed class ScriptedFeed : IKernelEventFeed
    {
        private readonly TaskCompletionSource<KernelChange[]> _changes = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release(KernelChange[] changes) => _changes.SetResult(changes);

        public Task<IReadOnlyDictionary<string, int>> ListInterfacesAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, int>>(new Dictionary<string, int> { ["vxlab0"] = 7, ["u0"] = 2 });

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
