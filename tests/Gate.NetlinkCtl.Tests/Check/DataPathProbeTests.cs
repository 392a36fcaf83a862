using Gate.NetlinkCtl.Check;
using Gate.NetlinkCtl.Health;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Check;

/// <summary>The data path probe: ICMP echo through the overlay to the emulator's SIMs, with real loss and delay on the underlay.</summary>
public sealed class DataPathProbeTests
{
    private static readonly ProbeSettings Quick = new(3, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500));

    [Fact]
    public async Task Every_sim_listed_under_probe_answers_through_the_overlay()
    {
        await using var lab = await ProbingLabAsync();

        var report = await lab.CheckWithProbeAsync(Quick);

        var probes = report.Findings.Where(f => f.Check.StartsWith("probe ", StringComparison.Ordinal)).ToList();
        Assert.Equal(lab.Emulator.Sims.Count, probes.Count);
        Assert.All(probes, p => Assert.True(p.Verdict == CheckVerdict.Pass, p.ToString()));
        Assert.All(probes, p => Assert.StartsWith("3/3 replies", p.Seen, StringComparison.Ordinal));
        Assert.True(report.Worst == CheckVerdict.Pass, string.Join(Environment.NewLine, report.Findings));
    }

    [Fact]
    public async Task A_ping_socket_is_used_where_ping_group_range_allows_it_and_a_raw_socket_otherwise()
    {
        await using var lab = await ProbingLabAsync();
        // A new namespace starts with ping_group_range "1 0" (nobody): root falls back to a raw socket (CAP_NET_RAW).
        Assert.Equal(IcmpSocketKind.Raw, OverlayProber.SocketKind(lab.Ns));

        await lab.ExecAsync("sysctl", "-qw", "net.ipv4.ping_group_range=0 0");
        Assert.Equal(IcmpSocketKind.Ping, OverlayProber.SocketKind(lab.Ns));

        var results = await OverlayProber.ProbeAsync(lab.Ns, [lab.Emulator.Sims[0].Inner.Address], Quick, TestContext.Current.CancellationToken);
        Assert.Equal(3, Assert.Single(results).Received);
    }

    [Fact]
    public async Task Delay_and_loss_on_the_path_show_in_the_round_trip_and_the_loss_ratio()
    {
        await using var lab = await ProbingLabAsync();
        Prerequisites.RequireCommand("nft", "nftables");
        var sim = lab.Emulator.Sims[0];
        // This kernel has no sch_netem: the SIM answers 20 ms late from user space, and nftables drops 10% of the VXLAN the peer sends.
        await using var late = await DelayedEchoResponder.StartAsync(sim.Namespace, TimeSpan.FromMilliseconds(20));
        await lab.ExecAsync("nft", "add table inet lossy { chain out { type filter hook output priority 0; udp dport 4789 numgen random mod 10 < 1 drop; }; }");
        var settings = new ProbeSettings(20, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(500));

        var result = Assert.Single(await OverlayProber.ProbeAsync(lab.Ns, [sim.Inner.Address], settings, TestContext.Current.CancellationToken));

        TestContext.Current.TestOutputHelper?.WriteLine($"20 ms late answers, 10% of VXLAN dropped: {result}");
        Assert.Equal(20, result.Sent);
        Assert.InRange(result.LossRatio, 0, 0.5);
        Assert.Equal((20 - result.Received) / 20.0, result.LossRatio, 6);
        Assert.True(result.RoundTrips.Min() >= TimeSpan.FromMilliseconds(20), result.ToString());
        Assert.True(result.AverageRoundTrip < TimeSpan.FromMilliseconds(200), result.ToString());
    }

    [Fact]
    public async Task Silent_endpoints_fail_the_probe_with_the_fix_and_pass_once_they_answer_again()
    {
        await using var lab = await ProbingLabAsync();
        Prerequisites.RequireCommand("nft", "nftables");
        foreach (var endpoint in lab.Emulator.Endpoints)
        {
            await TestNamespace.RunAsync("ip", ["netns", "exec", endpoint.Namespace, "nft", "add table inet silent { chain input { type filter hook input priority 0; udp dport 4789 drop; }; }"]);
        }

        var report = await lab.CheckWithProbeAsync(Quick);
        var silent = CheckLab.Single(report, $"probe {lab.Emulator.Sims[0].Inner.Address}");

        Assert.Equal(CheckVerdict.Fail, silent.Verdict);
        Assert.StartsWith("0/3 replies", silent.Seen, StringComparison.Ordinal);
        Assert.Contains("allow UDP 4789 from the endpoints", silent.Fix, StringComparison.Ordinal);

        foreach (var endpoint in lab.Emulator.Endpoints)
        {
            await TestNamespace.RunAsync("ip", ["netns", "exec", endpoint.Namespace, "nft", "delete table inet silent"]);
        }

        Assert.Equal(CheckVerdict.Pass, CheckLab.Single(await lab.CheckWithProbeAsync(Quick), $"probe {lab.Emulator.Sims[0].Inner.Address}").Verdict);
    }

    [Fact]
    public async Task A_path_that_drops_large_vxlan_packets_fails_the_path_mtu_probe_with_the_mtu_that_fits_and_passes_once_it_carries_them()
    {
        await using var lab = await ProbingLabAsync();
        Prerequisites.RequireCommand("nft", "nftables");
        var sim = lab.Emulator.Sims[0].Inner.Address;
        var mtu = int.Parse((await lab.ExecAsync("cat", $"/sys/class/net/{lab.Gate.Interface}/mtu")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(CheckVerdict.Pass, CheckLab.Single(await lab.CheckWithProbeAsync(Quick), $"path mtu {sim}").Verdict);

        // A path that carries 1400-byte packets: the endpoints see no larger VXLAN packet, as behind a tunnel that drops them.
        foreach (var endpoint in lab.Emulator.Endpoints)
        {
            await TestNamespace.RunAsync("ip", ["netns", "exec", endpoint.Namespace, "nft", "add table inet narrow { chain input { type filter hook input priority 0; udp dport 4789 ip length > 1400 drop; }; }"]);
        }

        var report = await lab.CheckWithProbeAsync(Quick);
        var narrow = CheckLab.Single(report, $"path mtu {sim}");

        TestContext.Current.TestOutputHelper?.WriteLine(narrow.ToString());
        Assert.Equal(CheckVerdict.Pass, CheckLab.Single(report, $"probe {sim}").Verdict);
        Assert.Equal(CheckVerdict.Fail, narrow.Verdict);
        Assert.StartsWith($"{mtu}-byte packets get no reply, 1350-byte ones do", narrow.Seen, StringComparison.Ordinal);
        Assert.Contains($"set mtu: 1350 on gate {lab.Gate.Name}", narrow.Fix, StringComparison.Ordinal);

        foreach (var endpoint in lab.Emulator.Endpoints)
        {
            await TestNamespace.RunAsync("ip", ["netns", "exec", endpoint.Namespace, "nft", "delete table inet narrow"]);
        }

        Assert.Equal(CheckVerdict.Pass, CheckLab.Single(await lab.CheckWithProbeAsync(Quick), $"path mtu {sim}").Verdict);
    }

    [Fact]
    public async Task A_gate_with_nothing_to_probe_warns_that_the_data_path_is_untested()
    {
        await using var lab = await CheckLab.StartAsync("cp");

        var finding = CheckLab.Single(await lab.CheckWithProbeAsync(Quick), "probe");

        Assert.Equal(CheckVerdict.Warn, finding.Verdict);
        Assert.Contains("'probe:'", finding.Fix, StringComparison.Ordinal);
    }

    private static async Task<CheckLab> ProbingLabAsync()
    {
        var lab = await CheckLab.StartAsync("cp");
        lab.UseGate(lab.Gate with { ProbeTargets = lab.Emulator.Sims.Select(s => s.Inner.Address).ToEquatableList() });
        return lab;
    }
}
