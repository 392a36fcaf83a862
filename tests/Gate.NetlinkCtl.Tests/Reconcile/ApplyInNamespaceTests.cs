using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;
using static Gate.NetlinkCtl.Tests.Reconcile.SampleGates;

namespace Gate.NetlinkCtl.Tests.Reconcile;

/// <summary>apply, diff, show and delete against a real kernel, in a private namespace, on every backend.</summary>
public sealed class ApplyInNamespaceTests
{
    public static TheoryData<BackendKind> Backends => new(BackendKind.Netlink, BackendKind.Iproute2);

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_fresh_apply_creates_the_gate_the_vendor_script_would(BackendKind backend)
    {
        await using var host = await GateHost.CreateAsync(backend);

        var result = await host.Reconciler.ApplyAsync(Desired(Soracom()), host.Context, TestContext.Current.CancellationToken);

        Assert.Null(result.Failure);
        Assert.IsType<CreateDevice>(result.Executed[0]);
        var link = await host.Namespace.IpAsync("-d", "link", "show", "gate0");
        Assert.Contains("mtu 1450", link, StringComparison.Ordinal);
        // The kernel's source port range is half-open: 4789-4789 inclusive is 4789 4790 there (4789 4789 means "any").
        Assert.Contains("vxlan id 10 local 192.0.2.10 dev u0 srcport 4789 4790 dstport 4789 nolearning", link, StringComparison.Ordinal);
        Assert.Contains("alias gatectl:soracom", link, StringComparison.Ordinal);
        Assert.Contains("state UNKNOWN", link, StringComparison.Ordinal);
        var fdb = await host.Namespace.BridgeAsync("fdb", "show", "dev", "gate0");
        Assert.Contains("00:00:00:00:00:00 dst 192.0.2.1 self permanent", fdb, StringComparison.Ordinal);
        Assert.Contains("00:00:00:00:00:00 dst 192.0.2.2 self permanent", fdb, StringComparison.Ordinal);
        var addresses = await host.Namespace.IpAsync("-4", "address", "show", "dev", "gate0");
        Assert.Contains("inet 198.18.0.10/15 metric 147", addresses, StringComparison.Ordinal);
        var routes = await host.Namespace.IpAsync("route", "show", "proto", "147");
        Assert.Contains("198.20.0.0/24 via 198.18.0.1 dev gate0", routes, StringComparison.Ordinal);
    }
}
