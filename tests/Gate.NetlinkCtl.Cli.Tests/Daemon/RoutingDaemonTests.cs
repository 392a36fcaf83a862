using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Daemon;

/// <summary>
/// The real <c>gatectl run</c> keeps a routing gate in force with CAP_NET_ADMIN as its only capability: per-device
/// forwarding and its own nftables table need nothing more, and forwarding turned off by hand comes back from the
/// kernel's RTM_NEWNETCONF event (the periodic resync is an hour away).
/// </summary>
public sealed class RoutingDaemonTests
{
    private static string State(RunningDaemon d) => new StateYaml
    {
        Backend = "netlink",
        ReconcileInterval = "1h",
        MetricsPath = d.MetricsPath,
        StateDirectory = d.Directory,
        Gates = [new GateYaml { Endpoints = ["198.51.100.4"], Extra = "routing:\n  masquerade: true\n  sources: [203.0.113.0/24]" }],
    }.ToString();

    [Fact]
    public async Task Forwarding_turned_off_by_hand_is_turned_back_on_from_the_kernel_event_with_CAP_NET_ADMIN_only()
    {
        await using var d = await RunningDaemon.CreateAsync(State);
        await d.StartConfinedAsync();
        Assert.Equal("1", await SysctlAsync(d, "net.ipv4.conf.vxlab0.forwarding"));
        Assert.Equal("1", await SysctlAsync(d, "net.ipv4.conf.u0.forwarding"));
        Assert.Contains("table inet gatectl_routing", await d.Namespace.ExecAsync("nft", "list", "tables"), StringComparison.Ordinal);

        await d.Namespace.ExecAsync("sysctl", "-w", "net.ipv4.conf.u0.forwarding=0");

        await d.WaitUntilAsync(async () => await SysctlAsync(d, "net.ipv4.conf.u0.forwarding") == "1", "u0's forwarding to come back");
        var status = await d.WaitForStatusAsync(
            s => s.LastRepair?.Repairs.Any(r => r.Kind == "enable-forwarding") == true && s.LastRepair.Triggers.Contains("kernel-event"),
            "the repair recorded in the status");
        Assert.Equal(0, status.ConsecutiveFailures);
        // The value found before gatectl (0) is still the one remembered, not the drifted one.
        Assert.Equal("u0 0\nvxlab0 0\n", await File.ReadAllTextAsync(Path.Combine(d.Directory, "forwarding-before.txt"), TestContext.Current.CancellationToken));
    }

    private static async Task<string> SysctlAsync(RunningDaemon d, string key) => (await d.Namespace.ExecAsync("sysctl", "-n", key)).Trim();
}
