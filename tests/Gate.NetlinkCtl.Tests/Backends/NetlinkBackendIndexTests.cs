using System.Net;
using Gate.NetlinkCtl.Backends.Netlink;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.Tests.Reconcile;

namespace Gate.NetlinkCtl.Tests.Backends;

/// <summary>
/// The netlink backend changes devices by the index it observed (no RTM_GETLINK per step). A device replaced after the
/// observation has another index: the kernel's ENODEV for the old one makes the backend look the name up once more, so
/// the step still lands on the device of that name, as it did when every step looked its device up.
/// </summary>
public sealed class NetlinkBackendIndexTests
{
    private static readonly InterfaceAddress Inner = new(IPAddress.Parse("198.18.0.10"), 24);
    private static readonly VxlanDeviceSpec Device = new(10, IPAddress.Parse("192.0.2.10"), "u0", 4789, PortRange.Default, false, 1450);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Steps_for_a_device_replaced_after_the_observation_reach_the_device_that_has_its_name_now()
    {
        await using var host = await GateHost.CreateAsync(BackendKind.Netlink);
        await using var backend = new NetlinkBackend(host.Namespace.Name);
        await backend.ExecuteAsync(GateChange.Group([new CreateDevice("tokyo", "gate0", Device)]), Ct);
        var observed = await backend.ObserveAsync(new ObserveRequest(new(["gate0"]), new(["u0"])), Ct);
        var oldIndex = observed.Find("gate0")!.Device.Index;
        await host.Namespace.IpAsync("link", "del", "gate0");
        await host.Namespace.IpAsync("link", "add", "gate0", "type", "vxlan", "id", "10", "local", "192.0.2.10", "dev", "u0", "dstport", "4789", "nolearning");
        await host.Namespace.IpAsync("link", "set", "gate0", "alias", "gatectl:tokyo");

        await backend.ExecuteAsync(
        GateChange.Group([
            new AddAddress("tokyo", "gate0", Inner),
            new SetUp("tokyo", "gate0", true),
            new AddFlood("tokyo", "gate0", IPAddress.Parse("192.0.2.1")),
            new AddRoute("tokyo", "gate0", IPNetwork.Parse("198.19.0.0/24"), IPAddress.Parse("198.18.0.20")),
        ]), Ct);

        var gate = (await host.ObserveAsync("gate0")).Find("gate0")!;
        Assert.NotEqual(oldIndex, gate.Device.Index);
        Assert.True(gate.Device.Up);
        Assert.Equal([Inner], gate.OwnedAddresses);
        Assert.Equal([IPAddress.Parse("192.0.2.1")], gate.OwnedFloods);
        Assert.Equal([IPNetwork.Parse("198.19.0.0/24")], gate.OwnedRoutes.Select(r => r.Destination));
    }

    [Fact]
    public async Task Removals_on_a_device_replaced_after_the_observation_remove_from_the_device_that_has_its_name_now()
    {
        await using var host = await GateHost.CreateAsync(BackendKind.Netlink);
        await using var backend = new NetlinkBackend(host.Namespace.Name);
        await backend.ObserveAsync(ObserveRequest.OwnedOnly, Ct);
        await host.Namespace.IpAsync("link", "add", "gate0", "type", "vxlan", "id", "10", "local", "192.0.2.10", "dev", "u0", "dstport", "4789", "nolearning");
        await backend.ObserveAsync(new ObserveRequest(new(["gate0"]), new(["u0"])), Ct);
        await host.Namespace.IpAsync("link", "del", "gate0");
        await host.Namespace.IpAsync("link", "add", "gate0", "type", "vxlan", "id", "10", "local", "192.0.2.10", "dev", "u0", "dstport", "4789", "nolearning");
        await host.Namespace.IpAsync("link", "set", "gate0", "alias", "gatectl:tokyo");
        await host.Namespace.IpAsync("address", "add", "198.18.0.10/24", "dev", "gate0", "metric", "147");
        await host.Namespace.BridgeAsync("fdb", "append", "00:00:00:00:00:00", "dev", "gate0", "dst", "192.0.2.1", "self", "permanent");

        await backend.ExecuteAsync(
        GateChange.Group([
            new RemoveFlood("tokyo", "gate0", IPAddress.Parse("192.0.2.1")),
            new RemoveAddress("tokyo", "gate0", Inner),
        ]), Ct);

        var gate = (await host.ObserveAsync("gate0")).Find("gate0")!;
        Assert.Empty(gate.OwnedFloods);
        Assert.Empty(gate.OwnedAddresses);
    }
}
