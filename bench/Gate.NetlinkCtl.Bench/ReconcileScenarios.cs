using System.Net;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Bench;

/// <summary>
/// Whole-pipeline scenarios: <c>GateReconciler.ApplyAsync</c> for one gate with N flood endpoints, run through the
/// iproute2 backend (baseline: <c>ip</c>/<c>bridge -batch</c> processes and JSON) and the netlink backend (subject).
/// </summary>
public sealed class ReconcileScenarios(BenchNamespace ns, int endpoints)
{
    private const string Device = "gate0";
    private readonly string _lockDirectory = Directory.CreateTempSubdirectory("gatectl-bench").FullName;
    private readonly GateReconciler _reconciler = new();

    /// <summary>Every scenario of this family.</summary>
    public IEnumerable<Scenario> All() => [FreshApply(), InSyncApply()];

    /// <summary>Apply on a host without the gate: observe, plan, create, N flood entries, verify.</summary>
    public Scenario FreshApply() => new(
        $"apply a gate with {endpoints:N0} endpoints, fresh host",
        new Contender("apply --backend iproute2", DeleteGateAsync, () => ApplyAsync(BackendKind.Iproute2, expectWrites: true)),
        new Contender("apply --backend netlink", DeleteGateAsync, () => ApplyAsync(BackendKind.Netlink, expectWrites: true)))
    {
        Setup = AddUnderlayAsync,
        Teardown = CleanUpAsync,
    };

    /// <summary>Apply on a host already in sync: observe N entries, plan nothing, write nothing.</summary>
    public Scenario InSyncApply() => new(
        $"apply a gate with {endpoints:N0} endpoints, already in sync",
        new Contender("apply --backend iproute2", () => Task.CompletedTask, () => ApplyAsync(BackendKind.Iproute2, expectWrites: false)),
        new Contender("apply --backend netlink", () => Task.CompletedTask, () => ApplyAsync(BackendKind.Netlink, expectWrites: false)))
    {
        Setup = async () =>
        {
            await AddUnderlayAsync();
            await ApplyAsync(BackendKind.Netlink, expectWrites: true);
        },
        Teardown = CleanUpAsync,
    };

    private async Task ApplyAsync(BackendKind backend, bool expectWrites)
    {
        var context = new ReconcileContext(ns.Name, backend) { LockDirectory = _lockDirectory };
        var result = await _reconciler.ApplyAsync(Desired(), context);
        if (result.Failure is not null || result.WasInSync == expectWrites)
        {
            throw new InvalidOperationException(
                $"apply through {backend} did not do what the scenario needs: {result.Failure?.Message ?? (expectWrites ? "nothing written" : "wrote changes")}");
        }
    }

    private async Task AddUnderlayAsync()
    {
        await ns.IpAsync("link", "add", "u0", "mtu", "1500", "type", "veth", "peer", "name", "u0p");
        await ns.IpAsync("address", "add", "192.0.2.10/24", "dev", "u0");
        await ns.IpAsync("link", "set", "u0", "up");
    }

    private async Task DeleteGateAsync()
    {
        if ((await ns.IpAsync("-br", "link")).Contains(Device + " ", StringComparison.Ordinal))
        {
            await ns.IpAsync("link", "del", Device);
        }
    }

    private async Task CleanUpAsync()
    {
        await DeleteGateAsync();
        await ns.IpAsync("link", "del", "u0");
    }

    private DesiredState Desired()
    {
        var inner = new InterfaceAddress(IPAddress.Parse("198.19.255.10"), 24);
        var gate = new GateSpec(
            "bench", Device, 4000, "u0", IPAddress.Parse("192.0.2.10"), GateSpec.DefaultPort, PortRange.Default, inner, inner.Network,
            Mtu: null, Learning: false,
            Enumerable.Range(0, endpoints).Select(i => new IPAddress([198, 18, (byte)(i / 250), (byte)(1 + (i % 250))])).ToEquatableList(),
            EquatableList<PeerSpec>.Empty, EquatableList<RouteSpec>.Empty, GatePresence.Present);
        return new DesiredState(StateSchema.ApiVersion, StateSchema.Kind, HostSettings.Default, new EquatableList<GateSpec>([gate]));
    }
}
