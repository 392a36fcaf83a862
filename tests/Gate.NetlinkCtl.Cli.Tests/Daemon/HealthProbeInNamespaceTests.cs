using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Daemon;

/// <summary>
/// The native <c>gatectl run</c>, confined as gatectl.service confines it (CAP_NET_ADMIN alone), probes a gate's
/// health targets with a ping socket where <c>net.ipv4.ping_group_range</c> allows one, and says once that it cannot
/// where it does not. The target, an inner address nobody has, never answers: the first rounds are all these tests need.
/// </summary>
public sealed class HealthProbeInNamespaceTests
{
    private const string Target = "198.18.0.20";

    [Fact]
    public async Task Under_CAP_NET_ADMIN_alone_the_probe_uses_a_ping_socket_and_status_and_metrics_show_the_target()
    {
        await using var d = await RunningDaemon.CreateAsync(WithHealth);
        await d.Namespace.ExecAsync("sysctl", "-qw", "net.ipv4.ping_group_range=0 0");
        await d.StartConfinedAsync();

        // Two rounds: the probe goes on, on the same socket, after a round without a reply (and a failed ARP).
        var status = await d.WaitForStatusAsync(s => s.Health.Any(g => g.Targets.Any(t => t.Sent >= 2)), "the second probe round");

        var target = Assert.Single(Assert.Single(status.Health).Targets);
        Assert.Equal((Target, "pending", 0L, (string?)null), (target.Target, target.State, target.Replies, target.Problem));
        var metrics = await File.ReadAllTextAsync(d.MetricsPath, TestContext.Current.CancellationToken);
        Assert.Contains($"gatectl_probes_sent_total{{gate=\"lab\",target=\"{Target}\"}} ", metrics, StringComparison.Ordinal);
        Assert.Contains("gatectl_gate_tx_packets_total{gate=\"lab\",interface=\"vxlab0\"} ", metrics, StringComparison.Ordinal);
        var text = new StringWriter();
        GatectlCli.Run(["status", "--runtime-dir", d.RuntimeDirectory], text, new StringWriter());
        Assert.Contains("probe lab (vxlab0), every 5s:", text.ToString(), StringComparison.Ordinal);
        Assert.Contains($"  {Target}  pending", text.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Probing gate lab stopped", d.Log, StringComparison.Ordinal);
        Assert.Contains("Probing gate lab: one ICMP echo to each of 1 target(s) (198.18.0.20) every 5s, timeout 2s", d.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_ping_sockets_or_CAP_NET_RAW_the_target_is_unavailable_with_the_fix_never_down()
    {
        await using var d = await RunningDaemon.CreateAsync(WithHealth);
        // A new namespace's ping_group_range is "1 0": nobody; the confined daemon has no CAP_NET_RAW either.
        await d.StartConfinedAsync();

        var status = await d.WaitForStatusAsync(s => s.Health.Any(g => g.Targets.Any(t => t.State == "unavailable")), "the first probe round");

        var target = Assert.Single(Assert.Single(status.Health).Targets);
        Assert.Contains("ping_group_range", target.Problem, StringComparison.Ordinal);
        Assert.Equal(0, target.Sent);
        Assert.DoesNotContain("gatectl_probe_up{", await File.ReadAllTextAsync(d.MetricsPath, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Contains($"Cannot probe {Target} of gate lab: ", d.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_this_host_refuses_on_its_way_out_makes_the_target_unavailable_with_the_drop_in_never_down()
    {
        Prerequisites.RequireCommand("nft", "nftables");
        await using var d = await RunningDaemon.CreateAsync(WithHealth);
        await d.Namespace.ExecAsync("sysctl", "-qw", "net.ipv4.ping_group_range=0 0");
        // An output rule fails the send with EPERM before the packet leaves, as gatectl.service's IPAddressDeny=any does
        // for an address no IPAddressAllow= covers (systemd's cgroup BPF filter; this host's cgroup v1 has none).
        await d.Namespace.ExecAsync("nft", "add", "table", "inet", "gcthealth");
        await d.Namespace.ExecAsync("nft", "add", "chain", "inet", "gcthealth", "out", "{ type filter hook output priority 0; }");
        await d.Namespace.ExecAsync("nft", "add", "rule", "inet", "gcthealth", "out", "ip", "daddr", Target, "drop");
        await d.StartConfinedAsync();

        var status = await d.WaitForStatusAsync(s => s.Health.Any(g => g.Targets.Any(t => t.State == "unavailable")), "the first probe round");

        var target = Assert.Single(Assert.Single(status.Health).Targets);
        Assert.Contains($"cannot send ICMP echo to {Target}", target.Problem, StringComparison.Ordinal);
        Assert.Contains("/etc/systemd/system/gatectl.service.d/health.conf", target.Problem, StringComparison.Ordinal);
        Assert.Equal(0, target.Sent);
        Assert.DoesNotContain("gatectl_probe_up{", await File.ReadAllTextAsync(d.MetricsPath, TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private static string WithHealth(RunningDaemon d) => RunningDaemon.LabState(d) + $"""

            health:
              interval: 5s
              targets: [{Target}]
        """;
}
