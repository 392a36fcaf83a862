using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Backends.NetworkManager;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;
using Gate.NetlinkCtl.Tests.Reconcile;

namespace Gate.NetlinkCtl.Tests.Backends.NetworkManager;

/// <summary>
/// A fault of the reliability suite: NetworkManager restarts while a gate it manages is up, in a namespace that also
/// holds objects made by hand. This class has its own NetworkManager, so the foreign objects meet no other test's gates.
/// </summary>
public sealed class NetworkManagerRestartTests(NetworkManagerRestartTests.ForeignDevicesUnmanaged fixture) : IClassFixture<NetworkManagerRestartTests.ForeignDevicesUnmanaged>
{
    /// <summary>
    /// A NetworkManager that leaves the hand-made devices alone, as one configured by their owner would: with every
    /// device managed it would take the foreign veth over and flush its address, which says nothing about gatectl.
    /// </summary>
    public sealed class ForeignDevicesUnmanaged : NetworkManagerFixture
    {
        /// <inheritdoc />
        protected override NetworkManagerOptions Options => new(ForeignObjects.Devices);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private GateReconciler Reconciler => new(NetworkManagerBackends.Register(BackendSelector.Default, fixture.NetworkManager.BusAddress));

    private ReconcileContext Context => new(fixture.Namespace.Name, BackendKind.NetworkManager);

    [Fact]
    public async Task A_gate_stays_in_sync_across_networkmanager_restarts_and_foreign_objects_stay_untouched()
    {
        var foreign = await ForeignObjects.AddAsync(fixture.Namespace, underlay: null);
        var desired = SampleGates.Desired(SampleGates.Soracom("nm-faults", "gnmr0", vni: 120, address: "198.18.20.10/24", routes: [("198.19.20.0/24", "198.18.20.1")]));
        var applied = await Reconciler.ApplyAsync(desired, Context, Ct);
        Assert.True(applied.Succeeded, applied.Failure?.Message);

        for (var restart = 1; restart <= 3; restart++)
        {
            // While the gate is up and carrying its flood list: the daemon-less case, where only the next apply repairs.
            await fixture.NetworkManager.RestartAsync();
            var repaired = await Reconciler.ApplyAsync(desired, Context, Ct);
            Assert.True(repaired.Succeeded, $"apply after restart {restart}: {repaired.Failure?.Message}");
            var diff = await Reconciler.DiffAsync(desired, Context, Ct);
            Assert.True(diff.InSync, $"after restart {restart} and an apply the gate still differs");
            await foreign.AssertIntactAsync($"after NetworkManager restart {restart} and gatectl apply");
        }

        var flood = await fixture.Namespace.BridgeAsync("fdb", "show", "dev", "gnmr0");
        Assert.Contains("00:00:00:00:00:00 dst 192.0.2.1 self permanent", flood, StringComparison.Ordinal);
        Assert.Contains("00:00:00:00:00:00 dst 192.0.2.2 self permanent", flood, StringComparison.Ordinal);
        var deleted = await Reconciler.DeleteAsync(desired, Context, Ct);
        Assert.True(deleted.Succeeded, deleted.Failure?.Message);
        await foreign.AssertIntactAsync("after gatectl delete");
    }
}
