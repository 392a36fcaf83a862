using System.Net;
using Gate.NetlinkCtl.Demo;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Routing;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.Tests.Rendering;
using Gate.NetlinkCtl.TestSupport;
using static Gate.NetlinkCtl.Tests.Routing.ForwardedTraffic;

namespace Gate.NetlinkCtl.Tests.Routing;

/// <summary>
/// A gate with a gateway block (Junction redirection) against real traffic. The Gate Peer (underlay ub 192.0.2.1,
/// gate0 198.18.0.1/24, egress eg 203.0.113.1/24), the VPG with one SIM (198.18.0.10, its default route via the peer's
/// inner address, as a VPG redirecting the SIM's traffic would) and an "internet" namespace with a server
/// (203.0.113.2, and 203.0.113.3 which is not in gateway.destinations).
/// </summary>
public sealed class GatewayEndToEndTests : IDisposable
{
    private static readonly IPAddress Sim = IPAddress.Parse("198.18.0.10");
    private static readonly IPAddress Server = IPAddress.Parse("203.0.113.2");
    private static readonly IPAddress NotADestination = IPAddress.Parse("203.0.113.3");
    private static readonly IPAddress PeerEgress = IPAddress.Parse("203.0.113.1");
    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("gatectl-gateway-").FullName;
    private readonly GateReconciler _reconciler = new(extensions: [new RoutingExtension()]);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_redirected_SIM_reaches_a_server_beyond_the_egress_with_and_without_masquerade_and_delete_puts_forwarding_back()
    {
        Prerequisites.RequireCommand("ping", "iputils-ping");
        await using var peer = await TestNamespace.CreateAsync("gp");
        await using var vpg = await TestNamespace.CreateAsync("gv");
        await using var internet = await TestNamespace.CreateAsync("gi");
        await WireAsync(peer, vpg, internet);
        var context = new ReconcileContext(peer.Name, BackendKind.Netlink);

        Assert.Null((await _reconciler.ApplyAsync(State(masquerade: true), context, Token)).Failure);
        Assert.True(await PingsAsync(vpg, Server, 3), "the SIM reaches the server through the peer");
        Assert.True((await TrafficProbe.UdpEchoAsync(vpg.Name, internet.Name, Server)).Passed, "a UDP datagram and its answer cross the peer");
        Assert.Equal(PeerEgress, await TcpSourceSeenAsync(vpg, internet, Server));
        Assert.False(await PingsAsync(vpg, NotADestination, 1), "a destination outside gateway.destinations must not be forwarded");
        Assert.Equal("1", await SysctlAsync(peer, "net.ipv4.conf.eg.forwarding"));
        Assert.Equal("0", await SysctlAsync(peer, "net.ipv4.conf.ub.forwarding"));
        Assert.True((await _reconciler.DiffAsync(State(masquerade: true), context, Token)).InSync);

        // Without masquerade the server sees the SIM itself; the test routes the answer back via the peer.
        await internet.IpAsync("route", "add", "198.18.0.0/24", "via", PeerEgress.ToString());
        Assert.Null((await _reconciler.ApplyAsync(State(masquerade: false), context, Token)).Failure);
        Assert.Equal(Sim, await TcpSourceSeenAsync(vpg, internet, Server));
        // The server cannot open a connection to the SIM: only answers come back in.
        Assert.False(await PingsAsync(internet, Sim, 1), "a new connection from beyond the egress must not be forwarded to the devices");

        await peer.ExecAsync("sysctl", "-w", "net.ipv4.conf.eg.forwarding=0");
        Assert.Equal([new EnableForwarding("gw", "eg")], (await _reconciler.PlanAsync(State(masquerade: false), context, Token)).Plan.Steps);

        Assert.Null((await _reconciler.DeleteAsync(State(masquerade: false), context, Token)).Failure);
        Assert.Equal("0", await SysctlAsync(peer, "net.ipv4.conf.eg.forwarding"));
        Assert.Empty(Directory.GetFiles(_stateDirectory));
    }

    [Fact]
    public async Task Plan_reports_an_egress_missing_from_the_host_and_nothing_is_changed()
    {
        await using var peer = await TestNamespace.CreateAsync("gp");
        await peer.IpAsync("link", "add", "ub", "type", "veth", "peer", "name", "ubp");
        await peer.IpAsync("address", "add", "192.0.2.1/24", "dev", "ub");
        await peer.IpAsync("link", "set", "ub", "up");
        var context = new ReconcileContext(peer.Name, BackendKind.Netlink);

        var error = await Assert.ThrowsAsync<Gate.NetlinkCtl.Backends.BackendException>(() => _reconciler.PlanAsync(State(masquerade: true), context, Token));

        Assert.Contains("gate gw: gateway.egress 'eg' does not exist on this host", error.Message, StringComparison.Ordinal);
        using var client = Gate.NetlinkCtl.Netlink.RtnlClient.Open(peer.Name);
        Assert.Null(client.GetLink("gate0"));
    }

    public void Dispose() => Directory.Delete(_stateDirectory, recursive: true);

    private DesiredState State(bool masquerade)
    {
        var gate = SampleStates.Gate("gw", "gate0", 10, "ub", "192.0.2.1", "198.18.0.1/24", mtu: null, learning: true,
            endpoints: ["192.0.2.10"], peers: [], routes: []);
        return new DesiredState(
            StateSchema.ApiVersion,
            StateSchema.Kind,
            HostSettings.Default with { Guard = false, StateDirectory = _stateDirectory },
            new EquatableList<GateSpec>([gate with { Gateway = new GatewaySpec("eg", masquerade, new EquatableList<IPNetwork>([IPNetwork.Parse("203.0.113.2/32")])) }]));
    }

    private static async Task WireAsync(TestNamespace peer, TestNamespace vpg, TestNamespace internet)
    {
        await vpg.IpAsync("link", "add", "br0", "type", "bridge");
        await vpg.IpAsync("link", "set", "br0", "up");
        await vpg.IpAsync("address", "add", "192.0.2.10/24", "dev", "br0");
        await vpg.IpAsync("link", "add", "pp", "type", "veth", "peer", "name", "ub", "netns", peer.Name);
        await vpg.IpAsync("link", "set", "pp", "master", "br0", "up");
        await peer.IpAsync("address", "add", "192.0.2.1/24", "dev", "ub");
        await peer.IpAsync("link", "set", "ub", "up");

        await peer.IpAsync("link", "add", "eg", "type", "veth", "peer", "name", "ei", "netns", internet.Name);
        await peer.IpAsync("address", "add", "203.0.113.1/24", "dev", "eg");
        await peer.IpAsync("link", "set", "eg", "up");
        await internet.IpAsync("address", "add", "203.0.113.2/24", "dev", "ei");
        await internet.IpAsync("address", "add", "203.0.113.3/24", "dev", "ei");
        await internet.IpAsync("link", "set", "ei", "up");

        // The SIM: an overlay device flooding to the peer; the VPG redirects its traffic to the peer (default route).
        await vpg.IpAsync("link", "add", "vx0", "type", "vxlan", "id", "10", "local", "192.0.2.10", "dev", "br0", "dstport", "4789", "srcport", "4789", "4789");
        await vpg.IpAsync("address", "add", "198.18.0.10/24", "dev", "vx0");
        await vpg.IpAsync("link", "set", "vx0", "up");
        await vpg.BridgeAsync("fdb", "append", "00:00:00:00:00:00", "dev", "vx0", "dst", "192.0.2.1");
        await vpg.IpAsync("route", "add", "default", "via", "198.18.0.1", "dev", "vx0");
    }
}
