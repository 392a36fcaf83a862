using System.Diagnostics;
using System.Text.Json;
using Gate.NetlinkCtl.Demo;
using Gate.NetlinkCtl.Migration;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.Tests.Migration;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.EndToEnd;

/// <summary>
/// A Gate Peer set up by the vendor's script, carrying a SIM's continuous ping, taken over by gatectl's apply with
/// <c>adopt: true</c>: no echo request lost, the same device (ifindex) before and after, and then in sync.
/// </summary>
public sealed class AdoptionEndToEndTests
{
    // 10 ms apart for 3 s: adoption (two netlink requests) lands well inside the run.
    private const int PingCount = 300;
    private const string PingInterval = "0.01";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(BackendKind.Netlink)]
    [InlineData(BackendKind.Iproute2)]
    public async Task Adopting_the_vendor_scripts_gate_under_a_continuous_ping_loses_no_packet_and_keeps_the_device(BackendKind backend)
    {
        Prerequisites.RequireRoot();
        Prerequisites.RequireCommand("ip", "iproute2");
        Prerequisites.RequireCommand("ping", "iputils-ping");
        await using var emulator = await VpgEmulator.StartAsync(new EmulatorOptions("adopt"), Cancel);
        var peer = emulator.Peer;
        string[] script =
        [
            peer.Underlay, peer.Outer.Address.ToString(), "gate0", peer.Inner.Address.ToString(), peer.Inner.PrefixLength.ToString(),
            "10", .. emulator.Endpoints.Select(e => e.Outer.Address.ToString()),
        ];
        await VendorSetupScript.RunAsync(peer.Namespace, withVxlanId: true, script);
        var state = GateImport.ToState([GateImport.FromScript(VendorScriptArguments.Parse(script).Arguments!, "vpg-demo")], backend);
        var context = new ReconcileContext(peer.Namespace, backend) { LockDirectory = emulator.WorkDirectory };
        var sim = emulator.Sims[0];
        var warmUp = await TrafficProbe.PingAsync(sim.Namespace, peer.Inner.Address, count: 2);
        Assert.True(warmUp.AllAnswered, $"the vendor script's gate does not carry traffic before adoption: {warmUp}");
        var indexBefore = await IfIndexAsync(peer.Namespace);

        var clock = Stopwatch.StartNew();
        var ping = ProcessRunner.TryRunAsync("ip",
            ["netns", "exec", sim.Namespace, "ping", "-n", "-i", PingInterval, "-c", PingCount.ToString(), "-w", "20", peer.Inner.Address.ToString()], Cancel);
        await Task.Delay(TimeSpan.FromSeconds(1), Cancel);
        var applyStarted = clock.Elapsed;
        var result = await new GateReconciler().ApplyAsync(state, context, Cancel);
        var applyEnded = clock.Elapsed;
        var pinged = await ping;
        var pingEnded = clock.Elapsed;
        var figures = PingResult.Parse(pinged.StandardOutput, pinged.StandardError);

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{backend}: ping {figures.Sent} sent, {figures.Received} received, {figures.Sent - figures.Received} lost; "
            + $"apply {applyStarted.TotalMilliseconds:F0}-{applyEnded.TotalMilliseconds:F0} ms of the ping's 0-{pingEnded.TotalMilliseconds:F0} ms");
        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Equal(["adopt-device", "set-address-metric"], result.Executed.Select(s => s.Action));
        Assert.True(applyEnded < pingEnded, "the apply did not finish while the ping ran");
        Assert.Equal(PingCount, figures.Sent);
        Assert.Equal(figures.Sent, figures.Received);
        Assert.Equal(0, figures.Duplicates);
        Assert.Equal(indexBefore, await IfIndexAsync(peer.Namespace));
        Assert.True((await new GateReconciler().PlanAsync(state, context, Cancel)).Plan.InSync);
    }

    private static async Task<int> IfIndexAsync(string ns)
    {
        using var link = JsonDocument.Parse(await ProcessRunner.IpAsync(ns, "-j", "link", "show", "gate0"));
        return link.RootElement[0].GetProperty("ifindex").GetInt32();
    }
}
