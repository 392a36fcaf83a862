using System.Net;
using Gate.NetlinkCtl.Demo;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.EndToEnd;

/// <summary>
/// gatectl's Gate Peer against the emulated SORACOM side, on the kernel's own VXLAN path:
/// both directions, endpoint failover, a rebooted peer, the overlay MTU, and the bytes on the underlay.
/// </summary>
public sealed class GateEndToEndTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_device_reaches_the_peer_and_the_peer_reaches_every_device()
    {
        await using var emulator = await StartAsync();
        await PeerApply.ApplyAsync(emulator, emulator.PeerState());
        var peer = emulator.Peer;

        foreach (var sim in emulator.Sims)
        {
            var cloudToDevice = await TrafficProbe.PingAsync(peer.Namespace, sim.Inner.Address);
            Assert.True(cloudToDevice.AllAnswered, $"peer -> {sim.Name}: {cloudToDevice}");
            var deviceToCloud = await TrafficProbe.PingAsync(sim.Namespace, peer.Inner.Address);
            Assert.True(deviceToCloud.AllAnswered, $"{sim.Name} -> peer: {deviceToCloud}");

            AssertPassed(await TrafficProbe.UdpEchoAsync(peer.Namespace, sim.Namespace, sim.Inner.Address), $"UDP peer -> {sim.Name}");
            AssertPassed(await TrafficProbe.TcpEchoAsync(peer.Namespace, sim.Namespace, sim.Inner.Address), $"TCP peer -> {sim.Name}");
            AssertPassed(await TrafficProbe.UdpEchoAsync(sim.Namespace, peer.Namespace, peer.Inner.Address), $"UDP {sim.Name} -> peer");
            AssertPassed(await TrafficProbe.TcpEchoAsync(sim.Namespace, peer.Namespace, peer.Inner.Address), $"TCP {sim.Name} -> peer");
        }
    }

    [Fact]
    public async Task Cloud_to_device_traffic_flows_through_the_other_endpoint_when_one_fails()
    {
        await using var emulator = await StartAsync();
        await PeerApply.ApplyAsync(emulator, emulator.PeerState());
        var sim = emulator.Sims[0];
        var before = emulator.ActiveEndpoint;
        Assert.True((await TrafficProbe.PingAsync(emulator.Peer.Namespace, sim.Inner.Address)).AllAnswered);

        await emulator.FailEndpointAsync(before);

        Assert.NotEqual(before, emulator.ActiveEndpoint);
        var after = await TrafficProbe.PingAsync(emulator.Peer.Namespace, sim.Inner.Address);
        Assert.True(after.AllAnswered, $"after endpoint {before.Label} failed: {after}");
        AssertPassed(await TrafficProbe.TcpEchoAsync(emulator.Peer.Namespace, sim.Namespace, sim.Inner.Address), "TCP after failover");
    }

    [Fact]
    public async Task A_peer_that_learns_pins_a_device_to_the_failed_endpoint_so_the_gate_turns_learning_off()
    {
        await using var emulator = await StartAsync();
        var learning = emulator.PeerState() with { Gates = new EquatableList<GateSpec>([emulator.PeerGate() with { Learning = true }]) };
        await PeerApply.ApplyAsync(emulator, learning);
        var sim = emulator.Sims[0];
        Assert.True((await TrafficProbe.PingAsync(emulator.Peer.Namespace, sim.Inner.Address)).AllAnswered);

        await emulator.FailEndpointAsync(emulator.ActiveEndpoint);

        // The kernel learned the SIM's MAC behind the endpoint that answered; unicast now goes there alone.
        var after = await TrafficProbe.PingAsync(emulator.Peer.Namespace, sim.Inner.Address);
        Assert.Equal(0, after.Received);
    }

    [Fact]
    public async Task Apply_restores_traffic_after_the_peer_loses_its_vxlan_device()
    {
        await using var emulator = await StartAsync();
        var state = emulator.PeerState();
        await PeerApply.ApplyAsync(emulator, state);
        var sim = emulator.Sims[^1];
        Assert.True((await TrafficProbe.PingAsync(emulator.Peer.Namespace, sim.Inner.Address)).AllAnswered);

        await TestNamespace.RunAsync("ip", ["-n", emulator.Peer.Namespace, "link", "del", state.Gates[0].Interface]);
        var rebooted = await TrafficProbe.PingAsync(emulator.Peer.Namespace, sim.Inner.Address, count: 1);
        Assert.Equal(0, rebooted.Received);

        await PeerApply.ApplyAsync(emulator, state);

        var restored = await TrafficProbe.PingAsync(emulator.Peer.Namespace, sim.Inner.Address);
        Assert.True(restored.AllAnswered, $"after apply: {restored}");
    }

    [Fact]
    public async Task A_full_mtu_packet_with_df_crosses_and_a_larger_one_fails_where_the_sender_sees_it()
    {
        await using var emulator = await StartAsync();
        await PeerApply.ApplyAsync(emulator, emulator.PeerState());
        var sim = emulator.Sims[0];
        const int IcmpAndIpHeaders = 28;
        var fullPayload = VpgEmulator.OverlayMtu - IcmpAndIpHeaders;

        var full = await TrafficProbe.PingAsync(emulator.Peer.Namespace, sim.Inner.Address, count: 2, payloadBytes: fullPayload, dontFragment: true);
        var fullBack = await TrafficProbe.PingAsync(sim.Namespace, emulator.Peer.Inner.Address, count: 2, payloadBytes: fullPayload, dontFragment: true);
        var larger = await TrafficProbe.PingAsync(emulator.Peer.Namespace, sim.Inner.Address, count: 1, payloadBytes: fullPayload + 1, dontFragment: true);

        Assert.True(full.AllAnswered, $"{VpgEmulator.OverlayMtu}-byte packets peer -> SIM: {full}");
        Assert.True(fullBack.AllAnswered, $"{VpgEmulator.OverlayMtu}-byte packets SIM -> peer: {fullBack}");
        Assert.Equal(0, larger.Received);
        Assert.Equal(1, larger.Errors);
        Assert.Equal($"message too long, mtu={VpgEmulator.OverlayMtu}", larger.LocalError);
    }

    [Fact]
    public async Task The_underlay_carries_the_traffic_as_vxlan_with_the_gates_vni_and_ports()
    {
        const uint Vni = 4242;
        await using var emulator = await StartAsync(Vni);
        var gate = emulator.PeerGate();
        await PeerApply.ApplyAsync(emulator, emulator.PeerState());
        var sim = emulator.Sims[0];
        Assert.True((await TrafficProbe.PingAsync(emulator.Peer.Namespace, sim.Inner.Address, count: 1)).AllAnswered);

        await using var capture = await VxlanCapture.StartAsync(emulator.Peer.Namespace, emulator.Peer.Underlay, maxPackets: 32, TimeSpan.FromSeconds(5));
        var ping = await TrafficProbe.PingAsync(emulator.Peer.Namespace, sim.Inner.Address, count: 3);
        var packets = await capture.StopAsync(TimeSpan.FromSeconds(0.5));

        Assert.True(ping.AllAnswered, ping.ToString());
        var requests = packets.Where(p => Equals(p.InnerDestination, sim.Inner.Address)).ToList();
        var replies = packets.Where(p => Equals(p.InnerSource, sim.Inner.Address)).ToList();
        Assert.All(packets, p =>
        {
            Assert.True(p.VniValid);
            Assert.Equal(Vni, p.Vni);
            Assert.Equal(GateSpec.DefaultPort, p.DestinationPort);
        });

        // Learning is off, so every request is flooded to both endpoints from the pinned source port.
        Assert.True(requests.Count == 6, $"expected 6 encapsulated requests, captured: {string.Join(Environment.NewLine, packets)}");
        Assert.All(requests, p =>
        {
            Assert.Equal(gate.Local, p.OuterSource);
            Assert.Equal(gate.SourcePorts.Low, p.SourcePort);
        });
        Assert.Equal(gate.Endpoints.Select(e => e.ToString()).Order(), requests.Select(p => p.OuterDestination.ToString()).Distinct().Order());

        // Replies come back from the active endpoint only.
        Assert.Equal(3, replies.Count);
        Assert.All(replies, p => Assert.Equal(emulator.ActiveEndpoint.Outer.Address, p.OuterSource));
    }

    [Fact]
    public async Task A_gate_left_with_the_vendor_scripts_unpinned_source_port_is_recreated_and_then_sends_from_4789()
    {
        await using var emulator = await StartAsync();
        var gate = emulator.PeerGate();
        var ns = emulator.Peer.Namespace;

        // What "srcport 4789 4789" gives: the kernel reads min >= max as "any ephemeral port".
        await TestNamespace.RunAsync("ip", ["-n", ns, "link", "add", gate.Interface, "type", "vxlan", "id", "10", "local", gate.Local.ToString(),
            "dev", gate.Underlay, "dstport", "4789", "srcport", "4789", "4789", "nolearning"]);
        await TestNamespace.RunAsync("ip", ["-n", ns, "link", "set", gate.Interface, "alias", $"gatectl:{gate.Name}"]);
        var result = await PeerApply.ApplyAsync(emulator, emulator.PeerState());

        Assert.Contains(result.Executed, step => step is RecreateDevice);
        await using var capture = await VxlanCapture.StartAsync(ns, emulator.Peer.Underlay, maxPackets: 32, TimeSpan.FromSeconds(5));
        var ping = await TrafficProbe.PingAsync(ns, emulator.Sims[0].Inner.Address, count: 2);
        var packets = await capture.StopAsync(TimeSpan.FromSeconds(0.5));
        Assert.True(ping.AllAnswered, ping.ToString());
        var sent = packets.Where(p => Equals(p.OuterSource, gate.Local)).ToList();
        Assert.NotEmpty(sent);
        Assert.All(sent, p => Assert.Equal(GateSpec.DefaultPort, p.SourcePort));
    }

    private static async Task<VpgEmulator> StartAsync(uint vni = GateSpec.DefaultVni)
    {
        Prerequisites.RequireRoot();
        Prerequisites.RequireCommand("ip", "iproute2");
        Prerequisites.RequireCommand("ping", "iputils-ping");
        Prerequisites.RequireCommand("tcpdump", "tcpdump");
        return await VpgEmulator.StartAsync(new EmulatorOptions("e2e", vni), Cancel);
    }

    private static void AssertPassed(PayloadResult result, string what) =>
        Assert.True(result.Passed, $"{what}: {result.Error} after {result.Elapsed.TotalMilliseconds:F1} ms");
}
