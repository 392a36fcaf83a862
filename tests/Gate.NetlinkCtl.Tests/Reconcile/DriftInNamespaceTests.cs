using Gate.NetlinkCtl.Reconcile.Diff;
using Gate.NetlinkCtl.State;
using static Gate.NetlinkCtl.Tests.Reconcile.SampleGates;

namespace Gate.NetlinkCtl.Tests.Reconcile;

/// <summary>Each kind of drift made by hand is reported by diff and repaired by apply, on every backend.</summary>
public sealed class DriftInNamespaceTests
{
    /// <summary>Every drift on every backend.</summary>
    public static TheoryData<BackendKind, string> Drifts => new()
    {
        { BackendKind.Netlink, "device deleted" }, { BackendKind.Iproute2, "device deleted" },
        { BackendKind.Netlink, "mtu changed" }, { BackendKind.Iproute2, "mtu changed" },
        { BackendKind.Netlink, "link down" }, { BackendKind.Iproute2, "link down" },
        { BackendKind.Netlink, "flood entry deleted" }, { BackendKind.Iproute2, "flood entry deleted" },
        { BackendKind.Netlink, "address removed" }, { BackendKind.Iproute2, "address removed" },
        { BackendKind.Netlink, "route removed" }, { BackendKind.Iproute2, "route removed" },
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Drifts))]
    public async Task Drift_is_reported_by_diff_and_repaired_by_apply(BackendKind backend, string drift)
    {
        await using var host = await GateHost.CreateAsync(backend);
        var desired = Desired(Soracom());
        Assert.Null((await host.Reconciler.ApplyAsync(desired, host.Context, Ct)).Failure);
        var before = await host.ObserveAsync("gate0");
        var (expectedStatus, expectedDifference) = await InflictAsync(host, drift);

        var report = await host.Reconciler.DiffAsync(desired, host.Context, Ct);
        var repair = await host.Reconciler.ApplyAsync(desired, host.Context, Ct);

        var gate = Assert.Single(report.Gates);
        Assert.Equal(expectedStatus, gate.Status);
        Assert.Contains(expectedDifference, gate.Differences);
        Assert.False(report.InSync);
        Assert.Null(repair.Failure);
        Assert.NotEmpty(repair.Executed);
        Assert.True((await host.Reconciler.DiffAsync(desired, host.Context, Ct)).InSync);
        var after = await host.ObserveAsync("gate0");
        // A recreated device gets a new index; everything else must be as before.
        Assert.Equal(before.WithoutIndexes(), after.WithoutIndexes());
        if (drift != "device deleted")
        {
            Assert.Equal(before, after);
        }
    }

    private static async Task<(GateStatus Status, string Difference)> InflictAsync(GateHost host, string drift)
    {
        var ns = host.Namespace;
        switch (drift)
        {
            case "device deleted":
                await ns.IpAsync("link", "del", "gate0");
                return (GateStatus.Missing,
                    "create gate0: vxlan id 10 local 192.0.2.10 dev u0 dstport 4789 srcport 4789 4789 nolearning mtu 1450, alias gatectl:soracom");
            case "mtu changed":
                await ns.IpAsync("link", "set", "gate0", "mtu", "1400");
                return (GateStatus.Drifted, "set mtu of gate0 to 1450 (now 1400)");
            case "link down":
                await ns.IpAsync("link", "set", "gate0", "down");
                return (GateStatus.Drifted, "set gate0 up");
            case "flood entry deleted":
                await ns.BridgeAsync("fdb", "del", "00:00:00:00:00:00", "dev", "gate0", "dst", "192.0.2.2", "self");
                return (GateStatus.Drifted, "add flood entry 00:00:00:00:00:00 dst 192.0.2.2 to gate0");
            case "address removed":
                await ns.IpAsync("address", "del", "198.18.0.10/24", "dev", "gate0");
                return (GateStatus.Drifted, "add address 198.18.0.10/24 metric 147 to gate0");
            case "route removed":
                await ns.IpAsync("route", "del", "198.20.0.0/24", "dev", "gate0");
                return (GateStatus.Drifted, "add route 198.20.0.0/24 via 198.18.0.1 dev gate0 proto 147");
            default:
                throw new ArgumentOutOfRangeException(nameof(drift), drift, "no such drift");
        }
    }
}
