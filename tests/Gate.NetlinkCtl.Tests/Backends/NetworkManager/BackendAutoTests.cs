using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Backends.NetworkManager;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;
using Gate.NetlinkCtl.Tests.Reconcile;

namespace Gate.NetlinkCtl.Tests.Backends.NetworkManager;

/// <summary><c>backend: auto</c> and <c>backend: networkmanager</c> deciding for the right reason, with a real NetworkManager or none.</summary>
public sealed class BackendAutoTests(NetworkManagerFixture fixture) : IClassFixture<NetworkManagerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NoBus => $"unix:path={Path.Combine(Path.GetTempPath(), "gatectl-test-no-bus.sock")}";

    private static GateReconciler ReconcilerOn(string busAddress) => new(NetworkManagerBackends.Register(BackendSelector.Default, busAddress));

    private ReconcileContext Auto => new(fixture.Namespace.Name, BackendKind.Auto);

    [Fact]
    public async Task Auto_makes_a_profile_when_networkmanager_manages_the_underlay_and_plan_says_so()
    {
        var desired = SampleGates.Desired(SampleGates.Soracom("auto-nm", "gau1", vni: 201, address: "198.18.11.10/24", routes: []));
        var reconciler = ReconcilerOn(fixture.NetworkManager.BusAddress);

        var plan = await reconciler.PlanAsync(desired, Auto, Ct);
        var applied = await reconciler.ApplyAsync(desired, Auto, Ct);

        Assert.Equal("networkmanager", plan.Backend);
        Assert.Contains(plan.BackendChoices, c => c.StartsWith("networkmanager for new gates on u0: NetworkManager 1.", StringComparison.Ordinal)
                                                  && c.Contains("manages u0", StringComparison.Ordinal));
        Assert.True(applied.Succeeded, applied.Failure?.Message);
        Assert.Contains("gatectl-auto-nm", await fixture.NetworkManager.NmcliAsync("-t", "-f", "NAME", "connection", "show", "--active"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auto_makes_a_netlink_device_when_networkmanager_leaves_the_underlay_unmanaged()
    {
        await GateHost.AddUnderlayAsync(fixture.Namespace, "u1", "198.51.100.10/24");
        Assert.True(await Poll.UntilAsync(async () =>
        {
            try
            {
                await fixture.NetworkManager.NmcliAsync("device", "set", "u1", "managed", "no");
                return true;
            }
            catch (InvalidOperationException)
            {
                return false; // NetworkManager has not seen u1 yet.
            }
        }));
        var desired = SampleGates.Desired(SampleGates.Soracom("auto-nl", "gau2", vni: 202, underlay: "u1", address: "198.18.12.10/24", routes: []));
        var reconciler = ReconcilerOn(fixture.NetworkManager.BusAddress);

        var plan = await reconciler.PlanAsync(desired, Auto, Ct);
        var applied = await reconciler.ApplyAsync(desired, Auto, Ct);

        Assert.Equal("netlink", plan.Backend);
        Assert.Contains(plan.BackendChoices, c => c.Contains("netlink for new gates on u1", StringComparison.Ordinal)
                                                  && c.Contains("does not manage u1 (device state unmanaged)", StringComparison.Ordinal));
        Assert.True(applied.Succeeded, applied.Failure?.Message);
        Assert.DoesNotContain("gatectl-auto-nl", await fixture.NetworkManager.NmcliAsync("-t", "-f", "NAME", "connection", "show"), StringComparison.Ordinal);
        Assert.Contains("alias gatectl:auto-nl", await fixture.Namespace.IpAsync("link", "show", "dev", "gau2"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auto_uses_netlink_when_no_networkmanager_answers_and_names_the_bus_it_tried()
    {
        var desired = SampleGates.Desired(SampleGates.Soracom("auto-nobus", "gau3", vni: 203, address: "198.18.13.10/24", routes: []));

        var plan = await ReconcilerOn(NoBus).PlanAsync(desired, Auto, Ct);

        Assert.Equal("netlink", plan.Backend);
        var choice = Assert.Single(plan.BackendChoices);
        Assert.StartsWith("netlink for every gate: NetworkManager is not reachable", choice, StringComparison.Ordinal);
        Assert.Contains(NoBus, choice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_networkmanager_in_another_network_namespace_is_never_used_for_this_one()
    {
        await using var other = await TestNamespace.CreateAsync("nmo");
        await GateHost.AddUnderlayAsync(other, "u0", "192.0.2.10/24");
        var desired = SampleGates.Desired(SampleGates.Soracom("auto-elsewhere", "gau5", vni: 205, address: "198.18.15.10/24", routes: []));
        var reconciler = ReconcilerOn(fixture.NetworkManager.BusAddress);

        var plan = await reconciler.PlanAsync(desired, new ReconcileContext(other.Name, BackendKind.Auto), Ct);
        var error = await Assert.ThrowsAsync<BackendException>(
            () => reconciler.ApplyAsync(desired, new ReconcileContext(other.Name, BackendKind.NetworkManager), Ct));

        Assert.Equal("netlink", plan.Backend);
        Assert.Contains($"does not run in network namespace {other.Name} (it runs in {fixture.Namespace.Name})", Assert.Single(plan.BackendChoices), StringComparison.Ordinal);
        Assert.Contains($"does not run in network namespace {other.Name}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("gau5", await other.IpAsync("-o", "link", "show"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Networkmanager_backend_without_networkmanager_fails_naming_the_bus_and_changes_nothing()
    {
        var desired = SampleGates.Desired(SampleGates.Soracom("nm-nobus", "gau4", vni: 204, address: "198.18.14.10/24", routes: []));
        var context = new ReconcileContext(fixture.Namespace.Name, BackendKind.NetworkManager);

        var error = await Assert.ThrowsAsync<BackendException>(() => ReconcilerOn(NoBus).ApplyAsync(desired, context, Ct));

        Assert.Contains($"NetworkManager is not reachable on the system bus at '{NoBus}'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("gau4", await fixture.Namespace.IpAsync("-o", "link", "show"), StringComparison.Ordinal);
    }
}
