using System.Net;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.EndToEnd;

/// <summary>
/// Two Gate Peers with gatectl gates and Debian's keepalived on the emulated overlay, an emulated SIM pinging the virtual
/// address 10 times a second: fail-over and fail-back as keepalived, the gate, the underlay or an apply change under it.
/// </summary>
public sealed class HaPairEndToEndTests(ITestOutputHelper output)
{
    private const int FailOvers = 3;
    private static readonly TimeSpan MaxGap = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Stopping_the_masters_keepalived_moves_the_address_to_the_backup_within_3_s_and_the_master_takes_it_back_when_it_returns()
    {
        await using var lab = await HaLab.StartAsync();
        var failOvers = new List<TimeSpan>();
        var failBacks = new List<TimeSpan>();
        for (var i = 0; i < FailOvers; i++)
        {
            // 3 s of pings: the stop comes after 0.5 s, B answers after keepalived's skew time (~0.6 s at priority 100).
            var over = PingTrace.RunAsync(lab.Sim.Namespace, HaLab.Virtual.Address, 30);
            await Task.Delay(500, TestContext.Current.CancellationToken);
            await lab.KeepalivedA.StopAsync();
            var failOver = await over;
            await lab.WaitForHolderAsync(lab.B);

            // A back: it waits its master-down time (~3.4 s), then pre-empts B, which has the lower priority.
            var back = PingTrace.RunAsync(lab.Sim.Namespace, HaLab.Virtual.Address, 60);
            await Task.Delay(500, TestContext.Current.CancellationToken);
            lab.KeepalivedA.Start();
            var failBack = await back;
            await lab.WaitForHolderAsync(lab.A);

            Report($"fail-over {i + 1}: {failOver}; fail-back: {failBack}");
            Assert.True(failOver.Gap < MaxGap, $"fail-over {i + 1}: {failOver}");
            Assert.True(failBack.Gap < MaxGap, $"fail-back {i + 1}: {failBack}");
            failOvers.Add(failOver.Gap);
            failBacks.Add(failBack.Gap);
        }

        Report($"median fail-over gap {Median(failOvers).TotalMilliseconds:F0} ms, median fail-back gap {Median(failBacks).TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task The_masters_gate_deleted_by_hand_fails_over_and_gatectl_apply_recreates_it_and_fails_back()
    {
        await using var lab = await HaLab.StartAsync();

        var over = PingTrace.RunAsync(lab.Sim.Namespace, HaLab.Virtual.Address, 70);
        await Task.Delay(500, TestContext.Current.CancellationToken);
        await TestNamespace.RunAsync("ip", ["-n", lab.A.Namespace, "link", "del", "gate0"]);
        await lab.WaitForHolderAsync(lab.B);
        var plan = await new GateReconciler().PlanAsync(lab.StateA, lab.Context(lab.A), TestContext.Current.CancellationToken);
        await lab.ApplyAsync(lab.A, lab.StateA);
        await lab.KeepalivedA.ReloadAsync();
        await lab.WaitForHolderAsync(lab.A);
        var trace = await over;

        Report($"gate deleted, recreated by apply: {trace}");
        Assert.True(trace.Gap < TimeSpan.FromSeconds(5), $"the master's gate deleted: {trace}");
        Assert.Contains(plan.Plan.Steps, s => s.Action == "create-device");
        Assert.True((await PingTrace.RunAsync(lab.Sim.Namespace, HaLab.Virtual.Address, 10)).Received == 10, "pings after fail-back");
    }

    [Fact]
    public async Task The_masters_underlay_going_down_fails_over_to_the_backup()
    {
        await using var lab = await HaLab.StartAsync();

        var over = PingTrace.RunAsync(lab.Sim.Namespace, HaLab.Virtual.Address, 60);
        await Task.Delay(500, TestContext.Current.CancellationToken);
        await TestNamespace.RunAsync("ip", ["-n", lab.A.Namespace, "link", "set", lab.A.Underlay, "down"]);
        await lab.WaitForHolderAsync(lab.B);
        var trace = await over;

        // A cannot tell B (its adverts would leave by the underlay), so B waits its master-down time: 3 adverts + skew.
        Report($"underlay down: {trace}");
        Assert.True(trace.Gap < TimeSpan.FromSeconds(5), $"the master's underlay down: {trace}");
        Assert.True(trace.Replies[^1] - trace.Replies[0] > 4, $"pings did not resume through B: {trace}");
    }

    [Fact]
    public async Task An_apply_of_a_changed_flood_list_on_the_master_loses_no_ping_and_diff_shows_the_address_as_keepalived_s()
    {
        await using var lab = await HaLab.StartAsync();
        var gate = lab.StateA.Gates[0];
        var changed = lab.StateA with
        {
            Gates = new EquatableList<GateSpec>([gate with { Peers = new EquatableList<PeerSpec>([.. gate.Peers, new PeerSpec(IPAddress.Parse("198.51.100.200"), null, "new")]) }]),
        };

        var pings = PingTrace.RunAsync(lab.Sim.Namespace, HaLab.Virtual.Address, 20);
        await Task.Delay(500, TestContext.Current.CancellationToken);
        var applied = await lab.ApplyAsync(lab.A, changed);
        var back = await lab.ApplyAsync(lab.A, lab.StateA);
        var trace = await pings;
        var diff = await new GateReconciler().DiffAsync(lab.StateA, lab.Context(lab.A), TestContext.Current.CancellationToken);

        Report($"two applies on the master: {trace}");
        Assert.Equal(["add-flood"], applied.Executed.Select(s => s.Action));
        Assert.Equal(["remove-flood"], back.Executed.Select(s => s.Action));
        Assert.Equal(trace.Sent, trace.Received);
        Assert.True(await HaLab.HoldsAsync(lab.A));
        Assert.True(diff.InSync);
        Assert.Empty(diff.Foreign);
        Assert.Equal("gate0: address 198.18.0.250/16 held by keepalived (virtual address of gate vpg-demo)", Assert.Single(diff.HeldByKeepalived).ToString());
    }

    // The figures go to the test's output and, when GATECTL_HA_FIGURES names a file, are appended there (docs/ha.md's table).
    private void Report(string line)
    {
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("GATECTL_HA_FIGURES") is { Length: > 0 } file)
        {
            File.AppendAllText(file, $"{DateTimeOffset.UtcNow:O} {line}{Environment.NewLine}");
        }
    }

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);
}
