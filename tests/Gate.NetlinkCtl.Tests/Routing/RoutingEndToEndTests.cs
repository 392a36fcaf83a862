using System.Net;
using Gate.NetlinkCtl.Guard;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Routing;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.Tests.Rendering;
using Gate.NetlinkCtl.TestSupport;
using static Gate.NetlinkCtl.Tests.Routing.ForwardedTraffic;

namespace Gate.NetlinkCtl.Tests.Routing;

/// <summary>
/// A gate with a routing block against real traffic. Three namespaces share one L2 segment (a bridge in the VPG's
/// namespace): the Gate Peer (underlay ub, 192.0.2.1 and 198.51.100.1; gate0 198.18.0.1/24), the VPG with one SIM
/// (192.0.2.10; the SIM is its overlay device, 198.18.0.10) and a VPC host (198.51.100.20 and .30) that is not a Gate
/// Peer and routes the device subnet via the peer. Only 198.51.100.20 is in routing.sources.
/// </summary>
public sealed class RoutingEndToEndTests : IDisposable
{
    private static readonly IPAddress Sim = IPAddress.Parse("198.18.0.10");
    private static readonly IPAddress PeerInner = IPAddress.Parse("198.18.0.1");
    private static readonly IPAddress VpcHost = IPAddress.Parse("198.51.100.20");
    private static readonly IPAddress Outsider = IPAddress.Parse("198.51.100.30");
    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("gatectl-routing-").FullName;
    private readonly GateReconciler _reconciler = new(extensions: [new GuardExtension(), new RoutingExtension()]);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_VPC_host_reaches_a_device_through_the_peer_with_and_without_masquerade_and_delete_puts_forwarding_back()
    {
        Prerequisites.RequireCommand("ping", "iputils-ping");
        await using var peer = await TestNamespace.CreateAsync("rp");
        await using var vpg = await TestNamespace.CreateAsync("rv");
        await using var vpc = await TestNamespace.CreateAsync("rh");
        await WireAsync(peer, vpg, vpc);
        var context = new ReconcileContext(peer.Name, BackendKind.Netlink);
        Assert.Equal("0", await SysctlAsync(peer, "net.ipv4.conf.ub.forwarding"));
        Assert.False(await PingsAsync(vpc, Sim, 1, VpcHost), "without routing the peer must not forward");

        Assert.Null((await _reconciler.ApplyAsync(State(masquerade: true), context, Token)).Failure);
        Assert.True(await PingsAsync(vpc, Sim, source: VpcHost), "a source in routing.sources reaches the SIM through the peer");
        Assert.Equal(PeerInner, await TcpSourceSeenAsync(vpc, vpg, Sim, VpcHost));
        Assert.False(await PingsAsync(vpc, Sim, 1, Outsider), "a host outside routing.sources must not be forwarded");
        // Forwarding is per device: the host-wide switch stays off, and this kernel forwards anyway.
        Assert.Equal("0", await SysctlAsync(peer, "net.ipv4.ip_forward"));
        Assert.Equal("1", await SysctlAsync(peer, "net.ipv4.conf.ub.forwarding"));
        Assert.Equal("1", await SysctlAsync(peer, "net.ipv4.conf.gate0.forwarding"));
        Assert.True((await _reconciler.DiffAsync(State(masquerade: true), context, Token)).InSync);

        Assert.Null((await _reconciler.ApplyAsync(State(masquerade: false), context, Token)).Failure);
        Assert.Equal(VpcHost, await TcpSourceSeenAsync(vpc, vpg, Sim, VpcHost));
        Assert.False(await PingsAsync(vpc, Sim, 1, Outsider), "a host outside routing.sources must not be forwarded");

        Assert.Null((await _reconciler.DeleteAsync(State(masquerade: false), context, Token)).Failure);
        Assert.Equal("0", await SysctlAsync(peer, "net.ipv4.conf.ub.forwarding"));
        Assert.Empty(Directory.GetFiles(_stateDirectory));
        Assert.DoesNotContain(RoutingTable.Name, await peer.ExecAsync("nft", "list", "tables"));
    }

    [Fact]
    public async Task Routing_leaves_foreign_rules_and_hand_set_values_alone_and_a_removed_block_restores_forwarding()
    {
        Prerequisites.RequireCommand("nft", "nftables");
        await using var peer = await TestNamespace.CreateAsync("rp");
        await using var vpg = await TestNamespace.CreateAsync("rv");
        await using var vpc = await TestNamespace.CreateAsync("rh");
        await WireAsync(peer, vpg, vpc);
        await peer.IpAsync("link", "add", "dm0", "type", "veth", "peer", "name", "dm1");
        await peer.ExecAsync("sysctl", "-w", "net.ipv4.conf.dm0.forwarding=1", "net.ipv4.conf.dm0.rp_filter=2");
        await peer.ExecAsync("nft", "add", "table", "inet", "foreign");
        await peer.ExecAsync("nft", "add", "chain", "inet", "foreign", "fw", "{ type filter hook forward priority 10; policy accept; }");
        await peer.ExecAsync("nft", "add", "rule", "inet", "foreign", "fw", "counter", "accept");
        var foreignBefore = await peer.ExecAsync("nft", "list", "table", "inet", "foreign");
        var context = new ReconcileContext(peer.Name, BackendKind.Netlink);

        Assert.Null((await _reconciler.ApplyAsync(State(masquerade: true), context, Token)).Failure);
        Assert.True(await PingsAsync(vpc, Sim, source: VpcHost), "the VPC host reaches the SIM");
        // The routing block goes away, the gate stays: both devices forward as before gatectl.
        Assert.Null((await _reconciler.ApplyAsync(State(masquerade: null), context, Token)).Failure);
        Assert.Equal("0", await SysctlAsync(peer, "net.ipv4.conf.ub.forwarding"));
        Assert.Equal("0", await SysctlAsync(peer, "net.ipv4.conf.gate0.forwarding"));
        Assert.DoesNotContain(RoutingTable.Name, await peer.ExecAsync("nft", "list", "tables"));

        Assert.Equal("1", await SysctlAsync(peer, "net.ipv4.conf.dm0.forwarding"));
        Assert.Equal("2", await SysctlAsync(peer, "net.ipv4.conf.dm0.rp_filter"));
        Assert.Equal(Counterless(foreignBefore), Counterless(await peer.ExecAsync("nft", "list", "table", "inet", "foreign")));
    }

    [Fact]
    public async Task Forwarding_turned_off_by_hand_is_planned_back_on_and_a_masquerade_change_replaces_the_table()
    {
        await using var peer = await TestNamespace.CreateAsync("rp");
        await using var vpg = await TestNamespace.CreateAsync("rv");
        await using var vpc = await TestNamespace.CreateAsync("rh");
        await WireAsync(peer, vpg, vpc);
        var context = new ReconcileContext(peer.Name, BackendKind.Netlink);
        Assert.Null((await _reconciler.ApplyAsync(State(masquerade: false), context, Token)).Failure);

        await peer.ExecAsync("sysctl", "-w", "net.ipv4.conf.gate0.forwarding=0");
        Assert.False((await _reconciler.DiffAsync(State(masquerade: false), context, Token)).InSync);
        var repair = await _reconciler.PlanAsync(State(masquerade: false), context, Token);
        Assert.Equal([new EnableForwarding("r2e", "gate0")], repair.Plan.Steps);

        Assert.Null((await _reconciler.ApplyAsync(State(masquerade: false), context, Token)).Failure);
        Assert.Equal("1", await SysctlAsync(peer, "net.ipv4.conf.gate0.forwarding"));
        var change = await _reconciler.PlanAsync(State(masquerade: true), context, Token);
        Assert.Single(change.Plan.Steps, s => s is ProgramRouting);
        Assert.Null((await _reconciler.DeleteAsync(State(masquerade: false), context, Token)).Failure);
    }

    public void Dispose() => Directory.Delete(_stateDirectory, recursive: true);

    // masquerade null: the gate without a routing block.
    private DesiredState State(bool? masquerade)
    {
        var gate = SampleStates.Gate("r2e", "gate0", 10, "ub", "192.0.2.1", "198.18.0.1/24", mtu: null, learning: true,
            endpoints: ["192.0.2.10"], peers: [], routes: []);
        return new DesiredState(
            StateSchema.ApiVersion,
            StateSchema.Kind,
            HostSettings.Default with { Guard = false, StateDirectory = _stateDirectory },
            new EquatableList<GateSpec>(
            [
                gate with { Routing = masquerade is { } m ? new RoutingSpec(true, m, new EquatableList<IPNetwork>([IPNetwork.Parse("198.51.100.20/32")])) : null },
            ]));
    }

    private static async Task WireAsync(TestNamespace peer, TestNamespace vpg, TestNamespace vpc)
    {
        await vpg.IpAsync("link", "add", "br0", "type", "bridge");
        await vpg.IpAsync("link", "set", "br0", "up");
        await vpg.IpAsync("address", "add", "192.0.2.10/24", "dev", "br0");
        foreach (var (ns, port) in new[] { (peer, "pp"), (vpc, "ph") })
        {
            await vpg.IpAsync("link", "add", port, "type", "veth", "peer", "name", "ub", "netns", ns.Name);
            await vpg.IpAsync("link", "set", port, "master", "br0", "up");
            await ns.IpAsync("link", "set", "ub", "up");
        }

        await peer.IpAsync("address", "add", "192.0.2.1/24", "dev", "ub");
        await peer.IpAsync("address", "add", "198.51.100.1/24", "dev", "ub");
        await vpc.IpAsync("address", "add", "198.51.100.20/24", "dev", "ub");
        await vpc.IpAsync("address", "add", "198.51.100.30/24", "dev", "ub");
        // What the VPC's route table does for the VPC host: the device subnet via the Gate Peer.
        await vpc.IpAsync("route", "add", "198.18.0.0/24", "via", "198.51.100.1");

        // The VPG's SIM: an overlay device flooding to the peer; answers to the VPC go back through the peer.
        await vpg.IpAsync("link", "add", "vx0", "type", "vxlan", "id", "10", "local", "192.0.2.10", "dev", "br0", "dstport", "4789", "srcport", "4789", "4789");
        await vpg.IpAsync("address", "add", "198.18.0.10/24", "dev", "vx0");
        await vpg.IpAsync("link", "set", "vx0", "up");
        await vpg.BridgeAsync("fdb", "append", "00:00:00:00:00:00", "dev", "vx0", "dst", "192.0.2.1");
        await vpg.IpAsync("route", "add", "198.51.100.0/24", "via", "198.18.0.1", "dev", "vx0");
    }

    private static string Counterless(string listing) =>
        System.Text.RegularExpressions.Regex.Replace(listing, @"counter packets \d+ bytes \d+", "counter");
}
