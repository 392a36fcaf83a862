using System.Text.Json.Nodes;
using CliWrap;
using CliWrap.Buffered;
using Gate.NetlinkCtl.Guard;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.Tests.Rendering;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Guard;

/// <summary>
/// The guard against real VXLAN traffic. Three namespaces share one L2 segment (a bridge in the endpoint's
/// namespace): the gate host (192.0.2.1), a VPG endpoint (192.0.2.10) and an intruder (192.0.2.66) that knows the
/// VNI. Both the endpoint and the intruder run a VXLAN device flooding to the gate host.
/// </summary>
public sealed class GuardEndToEndTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task VXLAN_from_an_unknown_source_is_dropped_while_the_endpoint_still_gets_through()
    {
        Prerequisites.RequireCommand("nft", "nftables");
        Prerequisites.RequireCommand("ping", "iputils-ping");
        await using var gate = await TestNamespace.CreateAsync("ga");
        await using var endpoint = await TestNamespace.CreateAsync("ep");
        await using var intruder = await TestNamespace.CreateAsync("in");
        await WireAsync(gate, endpoint, intruder);
        var reconciler = new GateReconciler(extensions: [new GuardExtension()]);
        var context = new ReconcileContext(gate.Name, BackendKind.Iproute2);

        // Without the guard the intruder's frames reach the overlay: this is the hole the guard closes.
        Assert.Null((await reconciler.ApplyAsync(State(guard: false), context, Token)).Failure);
        Assert.True(await PingsAsync(endpoint, "198.18.0.1"), "the endpoint should reach the gate without the guard");
        Assert.True(await PingsAsync(intruder, "198.18.0.1"), "without the guard the intruder's VXLAN is accepted (the attack the guard stops)");

        Assert.Null((await reconciler.ApplyAsync(State(guard: true), context, Token)).Failure);

        Assert.True(await PingsAsync(endpoint, "198.18.0.1"), "the endpoint must still reach the gate through the guard");
        Assert.False(await PingsAsync(intruder, "198.18.0.1"), "the guard must drop VXLAN from an unknown source");
        Assert.True(await DroppedAsync(gate) > 0, "the guard's drop rule should have counted the intruder's packets");
        Assert.True((await reconciler.DiffAsync(State(guard: true), context, Token)).InSync, "counters must not count as drift");
    }

    private static DesiredState State(bool guard) => new(
        StateSchema.ApiVersion,
        StateSchema.Kind,
        HostSettings.Default with { Guard = guard },
        new EquatableList<GateSpec>(
        [
            // Learning on, so the gate answers whoever it hears from: without the guard, the intruder too.
            SampleStates.Gate("e2e", "gate0", 10, "ub", "192.0.2.1", "198.18.0.1/24", mtu: null, learning: true,
                endpoints: ["192.0.2.10"], peers: [], routes: []),
        ]));

    private static async Task WireAsync(TestNamespace gate, TestNamespace endpoint, TestNamespace intruder)
    {
        await endpoint.IpAsync("link", "add", "br0", "type", "bridge");
        await endpoint.IpAsync("link", "set", "br0", "up");
        await endpoint.IpAsync("address", "add", "192.0.2.10/24", "dev", "br0");
        foreach (var (ns, port, address) in new[] { (gate, "pg", "192.0.2.1/24"), (intruder, "pi", "192.0.2.66/24") })
        {
            await endpoint.IpAsync("link", "add", port, "type", "veth", "peer", "name", "ub", "netns", ns.Name);
            await endpoint.IpAsync("link", "set", port, "master", "br0", "up");
            await ns.IpAsync("address", "add", address, "dev", "ub");
            await ns.IpAsync("link", "set", "ub", "up");
        }

        await AddVxlanPeerAsync(endpoint, "br0", "192.0.2.10", "198.18.0.10/24");
        await AddVxlanPeerAsync(intruder, "ub", "192.0.2.66", "198.18.0.66/24");
    }

    private static async Task AddVxlanPeerAsync(TestNamespace ns, string underlay, string local, string inner)
    {
        await ns.IpAsync("link", "add", "vx0", "type", "vxlan", "id", "10", "local", local, "dev", underlay,
            "dstport", "4789", "srcport", "4789", "4789");
        await ns.IpAsync("address", "add", inner, "dev", "vx0");
        await ns.IpAsync("link", "set", "vx0", "up");
        await ns.BridgeAsync("fdb", "append", "00:00:00:00:00:00", "dev", "vx0", "dst", "192.0.2.1");
    }

    // Three echo requests, at most three seconds in all.
    private static async Task<bool> PingsAsync(TestNamespace from, string target)
    {
        var result = await Cli.Wrap("ip")
            .WithArguments(["netns", "exec", from.Name, "ping", "-c", "3", "-i", "0.2", "-W", "1", "-w", "3", target])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Token);
        return result.ExitCode == 0;
    }

    private static async Task<long> DroppedAsync(TestNamespace gate)
    {
        var listing = await gate.ExecAsync("nft", "--json", "list", "table", "inet", "gatectl_guard");
        return JsonNode.Parse(listing)!["nftables"]!.AsArray()
            .Select(e => e?["rule"])
            .Where(r => r?["comment"]?.GetValue<string>() == "e2e: VXLAN from an unknown source")
            .SelectMany(r => r!["expr"]!.AsArray())
            .Select(x => x?["counter"]?["packets"]?.GetValue<long>() ?? 0)
            .Sum();
    }
}
