using System.Diagnostics;
using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Backends.Iproute2;
using Gate.NetlinkCtl.Backends.NetworkManager;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;
using Gate.NetlinkCtl.Tests.Reconcile;

namespace Gate.NetlinkCtl.Tests.Reliability;

/// <summary>
/// A dependency that accepts and never answers stops gatectl for a bounded time only: a wedged system bus (2 s for the
/// NetworkManager probe of backend auto, 10 s for the networkmanager backend), an <c>ip</c> that hangs (its bound).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DependencyFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Backend_auto_falls_back_to_netlink_within_two_seconds_when_the_bus_never_answers_and_says_why()
    {
        await using var bus = await WedgedBus.StartAsync();
        await using var ns = await TestNamespace.CreateAsync("df");
        await GateHost.AddUnderlayAsync(ns, "u0", "192.0.2.10/24");
        var reconciler = new GateReconciler(NetworkManagerBackends.Register(BackendSelector.Default, bus.Address));
        var desired = SampleGates.Desired(SampleGates.Soracom(routes: []));

        var clock = Stopwatch.StartNew();
        var plan = await reconciler.PlanAsync(desired, new ReconcileContext(ns.Name, BackendKind.Auto), Ct);
        clock.Stop();
        var applied = await reconciler.ApplyAsync(desired, new ReconcileContext(ns.Name, BackendKind.Auto), Ct);

        Assert.Equal("netlink", plan.Backend);
        var choice = Assert.Single(plan.BackendChoices);
        Assert.StartsWith("netlink for every gate: NetworkManager is not reachable", choice, StringComparison.Ordinal);
        Assert.Contains("did not answer its Hello within 2 s", choice, StringComparison.Ordinal);
        Assert.Contains(bus.Address, choice, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"plan took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(applied.Succeeded, applied.Failure?.Message);
        Assert.Contains("gate0", await ns.IpAsync("link", "show"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backend_networkmanager_fails_within_its_bound_naming_the_bus_and_NetworkManager_and_changes_nothing()
    {
        await using var bus = await WedgedBus.StartAsync();
        await using var ns = await TestNamespace.CreateAsync("df");
        await GateHost.AddUnderlayAsync(ns, "u0", "192.0.2.10/24");
        var reconciler = new GateReconciler(NetworkManagerBackends.Register(BackendSelector.Default, bus.Address));
        var desired = SampleGates.Desired(SampleGates.Soracom(routes: []));
        var before = await KernelSnapshot.TakeAsync(ns);

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<BackendException>(
            () => reconciler.ApplyAsync(desired, new ReconcileContext(ns.Name, BackendKind.NetworkManager), Ct));
        clock.Stop();

        Assert.Contains($"NetworkManager is not reachable on the system bus at '{bus.Address}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("the D-Bus system bus accepted the connection but did not answer its Hello within 10 s", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"apply took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(before, await KernelSnapshot.TakeAsync(ns));
    }

    [Fact]
    public async Task An_ip_process_that_hangs_is_killed_after_its_bound_and_the_error_carries_its_stderr()
    {
        await using var ns = await TestNamespace.CreateAsync("df");
        var directory = Directory.CreateTempSubdirectory("gct-hang-").FullName;
        try
        {
            // An `ip` that says something and then never finishes, as one stuck on a lock or a dead NFS mount would.
            var stuck = Path.Combine(directory, "ip");
            await File.WriteAllTextAsync(stuck, "#!/bin/sh\necho 'ip: waiting for a lock' >&2\nexec sleep 60\n", Ct);
            File.SetUnixFileMode(stuck, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            await using var backend = new Iproute2Backend(ns.Name, TimeSpan.FromSeconds(1), stuck, "bridge");

            var clock = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<BackendException>(() => backend.ObserveAsync(ObserveRequest.OwnedOnly, Ct));
            clock.Stop();

            Assert.Contains("did not finish within 1 s and was killed", error.Message, StringComparison.Ordinal);
            Assert.Contains("ip: waiting for a lock", error.Message, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"observe took {clock.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
