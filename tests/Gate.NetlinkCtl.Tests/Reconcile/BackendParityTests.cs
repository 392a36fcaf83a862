using System.Net;
using Gate.NetlinkCtl.Backends.Iproute2;
using Gate.NetlinkCtl.Backends.Netlink;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;
using static Gate.NetlinkCtl.Tests.Reconcile.SampleGates;

namespace Gate.NetlinkCtl.Tests.Reconcile;

/// <summary>The two backends are interchangeable: same observation of one host, same host from one desired state.</summary>
public sealed class BackendParityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DesiredState TwoGates => Desired(
        Soracom(),
        Soracom("second", "gate1", vni: 20, mtu: 1400, address: "198.18.1.10/24", endpoints: ["198.51.100.1", "203.0.113.9"], routes: [("198.22.0.0/16", "198.18.1.1")]));

    [Fact]
    public async Task Both_backends_leave_an_identical_observed_state()
    {
        await using var viaNetlink = await GateHost.CreateAsync(BackendKind.Netlink);
        await using var viaIproute2 = await GateHost.CreateAsync(BackendKind.Iproute2);

        Assert.Null((await viaNetlink.Reconciler.ApplyAsync(TwoGates, viaNetlink.Context, Ct)).Failure);
        Assert.Null((await viaIproute2.Reconciler.ApplyAsync(TwoGates, viaIproute2.Context, Ct)).Failure);

        var left = await viaNetlink.ObserveAsync("gate0", "gate1");
        var right = await viaIproute2.ObserveAsync("gate0", "gate1");
        Assert.Equal(2, left.Gates.Count);
        Assert.Equal(left.WithoutIndexes(), right.WithoutIndexes());
    }

    [Fact]
    public async Task Both_backends_observe_a_host_identically()
    {
        await using var host = await GateHost.CreateAsync(BackendKind.Netlink);
        Assert.Null((await host.Reconciler.ApplyAsync(TwoGates, host.Context, Ct)).Failure);
        await host.Namespace.BridgeAsync("fdb", "add", "02:11:22:33:44:55", "dev", "gate0", "dst", "192.0.2.99", "self", "permanent");
        await host.Namespace.IpAsync("link", "add", "vxf0", "type", "vxlan", "id", "10", "dstport", "4790", "dev", "u0");
        await host.Namespace.IpAsync("address", "add", "198.18.0.99/32", "dev", "gate0");
        var request = ObserveRequest.For(TwoGates);

        await using var netlink = new NetlinkBackend(host.Namespace.Name);
        var byNetlink = await netlink.ObserveAsync(request, Ct);
        var byIproute2 = await new Iproute2Backend(host.Namespace.Name).ObserveAsync(request, Ct);

        Assert.Equal(byIproute2, byNetlink);
        Assert.Equal(3, byNetlink.ForeignObjects.Count());
    }

    [Theory]
    [MemberData(nameof(ApplyInNamespaceTests.Backends), MemberType = typeof(ApplyInNamespaceTests))]
    public async Task Removing_what_is_already_gone_succeeds_and_the_rest_of_the_batch_still_runs(BackendKind backend)
    {
        await using var host = await GateHost.CreateAsync(backend);
        Assert.Null((await host.Reconciler.ApplyAsync(Desired(Soracom()), host.Context, Ct)).Failure);
        await using var subject = GateHost.NewBackend(backend, host.Namespace.Name);
        var gone = IPAddress.Parse("192.0.2.77");

        await subject.ExecuteAsync(
            GateChange.Group([
                new RemoveFlood("soracom", "gate0", gone),
                new RemoveRoute("soracom", "gate0", IPNetwork.Parse("198.23.0.0/24"), null),
                new DeleteDevice("other", "gate9", "test"),
                new SetMtu("soracom", "gate0", 1400, 1450),
            ]),
            Ct);

        Assert.Contains("mtu 1400", await host.Namespace.IpAsync("link", "show", "gate0"), StringComparison.Ordinal);
    }
}
