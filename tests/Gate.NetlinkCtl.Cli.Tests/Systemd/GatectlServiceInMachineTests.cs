using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Gate.NetlinkCtl.Daemon;
using Gate.NetlinkCtl.Health;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Systemd;

/// <summary>
/// The shipped units, unchanged, under a real systemd (<see cref="SystemdMachine"/>): <c>gatectl.service</c> as
/// <c>Type=notify</c> with its full hardening (CAP_NET_ADMIN only, a system-call filter, a read-only file system), the
/// SORACOM drop-in, and <c>gatectl-reconcile.timer</c>. One machine for the class; each test cleans up its gate.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GatectlServiceInMachineTests(GatectlMachine fixture) : IClassFixture<GatectlMachine>, IAsyncLifetime
{
    private const string Flood = "00:00:00:00:00:00";
    private const string HealthDropIn = "/etc/systemd/system/gatectl.service.d/health.conf";

    private SystemdMachine Machine => fixture.Machine;

    /// <inheritdoc />
    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await fixture.ResetAsync();

    private static string State(string device, bool guard, params string[] endpoints) => new StateYaml
    {
        Backend = "netlink",
        ReconcileInterval = "1h",
        Guard = guard,
        Gates = [MachineGate(device) with { Vni = "10", Endpoints = endpoints }],
    }.ToString();

    private static GateYaml MachineGate(string device) =>
        new() { Interface = device, Underlay = GatectlMachine.Underlay, Local = GatectlMachine.Local };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_daemon_unit_brings_the_gate_up_repairs_it_reloads_and_stops_cleanly(bool guard)
    {
        var device = guard ? "gsdg0" : "gsd0";
        await fixture.WriteStateAsync(State(device, guard, "198.51.100.4", "198.51.100.132"));

        // Type=notify: `systemctl start` returns once gatectl sent READY=1, after its first reconcile.
        var start = await Machine.RunAsync(["systemctl", "start", "gatectl.service"]);
        Assert.True(start.ExitCode == 0, $"systemctl start gatectl failed: {start.StandardError}\n{await Machine.JournalAsync("gatectl")}");
        Assert.Equal("active", await Machine.PropertyAsync("gatectl", "ActiveState"));
        var fdb = await fixture.FdbAsync(device);
        Assert.Contains($"{Flood} dst 198.51.100.4 self permanent", fdb, StringComparison.Ordinal);
        Assert.Contains($"{Flood} dst 198.51.100.132 self permanent", fdb, StringComparison.Ordinal);
        Assert.Contains("vxlan id 10 local 192.0.2.10 dev u0", await Machine.RunCheckedAsync("ip", "-d", "link", "show", device), StringComparison.Ordinal);

        // Drift: a flood entry deleted from outside comes back by itself.
        await Machine.RunCheckedAsync("bridge", "fdb", "del", Flood, "dev", device, "dst", "198.51.100.4");
        await fixture.WaitAsync(async () => (await fixture.FdbAsync(device)).Contains($"{Flood} dst 198.51.100.4 self permanent", StringComparison.Ordinal),
            "the deleted flood entry to be repaired");

        // A new state, then `systemctl reload` (ExecReload: SIGHUP).
        await fixture.WriteStateAsync(State(device, guard, "198.51.100.4", "198.51.100.132", "198.51.100.5"));
        await Machine.RunCheckedAsync("systemctl", "reload", "gatectl.service");
        await fixture.WaitAsync(async () => (await fixture.FdbAsync(device)).Contains($"{Flood} dst 198.51.100.5 self permanent", StringComparison.Ordinal),
            "the reloaded state's new endpoint");
        await fixture.WaitAsync(async () => (await Machine.JournalAsync("gatectl")).Contains("reload)", StringComparison.Ordinal) ||
                                            (await Machine.JournalAsync("gatectl")).Contains("reload,", StringComparison.Ordinal),
            "a reconcile triggered by the reload");
        if (guard)
        {
            var table = await Machine.RunCheckedAsync("nft", "list", "table", "inet", "gatectl_guard");
            Assert.Contains("198.51.100.5", table, StringComparison.Ordinal);
            Assert.Contains("198.51.100.132", table, StringComparison.Ordinal);
        }

        var status = await Machine.RunCheckedAsync("gatectl", "status");
        Assert.Contains("lab", status, StringComparison.Ordinal);

        await Machine.RunCheckedAsync("systemctl", "stop", "gatectl.service");
        Assert.Equal("inactive", await Machine.PropertyAsync("gatectl", "ActiveState"));
        Assert.Equal("success", await Machine.PropertyAsync("gatectl", "Result"));
        Assert.Equal("0", await Machine.PropertyAsync("gatectl", "ExecMainStatus"));
        var journal = await Machine.JournalAsync("gatectl");
        Assert.Contains("Reconciled (start)", journal, StringComparison.Ordinal);
        Assert.Contains("Repaired drift on gate lab", journal, StringComparison.Ordinal);
        Assert.Contains("gatectl daemon stopped", journal, StringComparison.Ordinal);
        Assert.DoesNotContain(journal.Split('\n'), l => l.Contains("Reconcile (", StringComparison.Ordinal) && l.Contains("failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_routing_gate_under_the_daemon_unit_forwards_per_device_with_its_own_table_and_delete_puts_forwarding_back()
    {
        const string device = "gsdr0";
        var before = (await Machine.RunCheckedAsync("sysctl", "-n", $"net.ipv4.conf.{GatectlMachine.Underlay}.forwarding")).Trim();
        await fixture.WriteStateAsync(State(device, guard: false, "198.51.100.4") + """
                routing:
                  masquerade: true
                  sources: [203.0.113.0/24]

            """);

        // The unit grants CAP_NET_ADMIN only and mounts /proc/sys read-only (ProtectKernelTunables=yes): rtnetlink is the way.
        var start = await Machine.RunAsync(["systemctl", "start", "gatectl.service"]);
        Assert.True(start.ExitCode == 0, $"systemctl start gatectl failed: {start.StandardError}\n{await Machine.JournalAsync("gatectl")}");
        Assert.Equal("1", (await Machine.RunCheckedAsync("sysctl", "-n", $"net.ipv4.conf.{device}.forwarding")).Trim());
        Assert.Equal("1", (await Machine.RunCheckedAsync("sysctl", "-n", $"net.ipv4.conf.{GatectlMachine.Underlay}.forwarding")).Trim());
        var table = await Machine.RunCheckedAsync("nft", "list", "table", "inet", "gatectl_routing");
        Assert.Contains("masquerade comment \"lab: masquerade 203.0.113.0/24\"", table, StringComparison.Ordinal);
        Assert.Contains($"{GatectlMachine.Underlay} {before}", await Machine.RunCheckedAsync("cat", "/var/lib/gatectl/forwarding-before.txt"), StringComparison.Ordinal);

        await Machine.RunCheckedAsync("systemctl", "stop", "gatectl.service");
        await Machine.RunCheckedAsync("gatectl", "delete", GatectlMachine.StatePath);
        Assert.Equal(before, (await Machine.RunCheckedAsync("sysctl", "-n", $"net.ipv4.conf.{GatectlMachine.Underlay}.forwarding")).Trim());
        Assert.DoesNotContain("gatectl_routing", await Machine.RunCheckedAsync("nft", "list", "tables"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_gate_under_the_daemon_unit_forwards_the_devices_out_of_its_egress_and_delete_puts_forwarding_back()
    {
        const string device = "gsdg0";
        const string egress = GatectlMachine.Underlay + "p";
        var before = (await Machine.RunCheckedAsync("sysctl", "-n", $"net.ipv4.conf.{egress}.forwarding")).Trim();
        await fixture.WriteStateAsync(State(device, guard: false, "198.51.100.4") + $"""
                gateway:
                  egress: {egress}
                  masquerade: true

            """);

        // The same rtnetlink and nf_tables paths as routing, with the egress instead of the underlay, under the full sandbox.
        var start = await Machine.RunAsync(["systemctl", "start", "gatectl.service"]);
        Assert.True(start.ExitCode == 0, $"systemctl start gatectl failed: {start.StandardError}\n{await Machine.JournalAsync("gatectl")}");
        Assert.Equal("1", (await Machine.RunCheckedAsync("sysctl", "-n", $"net.ipv4.conf.{device}.forwarding")).Trim());
        Assert.Equal("1", (await Machine.RunCheckedAsync("sysctl", "-n", $"net.ipv4.conf.{egress}.forwarding")).Trim());
        var table = await Machine.RunCheckedAsync("nft", "list", "table", "inet", "gatectl_routing");
        Assert.Contains($"masquerade comment \"lab: masquerade the devices to 0.0.0.0/0 out of {egress}\"", table, StringComparison.Ordinal);

        await Machine.RunCheckedAsync("systemctl", "stop", "gatectl.service");
        await Machine.RunCheckedAsync("gatectl", "delete", GatectlMachine.StatePath);
        Assert.Equal(before, (await Machine.RunCheckedAsync("sysctl", "-n", $"net.ipv4.conf.{egress}.forwarding")).Trim());
        Assert.DoesNotContain("gatectl_routing", await Machine.RunCheckedAsync("nft", "list", "tables"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_soracom_gate_under_the_unit_with_the_soracom_api_drop_in_takes_its_endpoints_from_the_API()
    {
        // The API server listens inside the machine's namespace: the unit reaches it on 127.0.0.1 as it would reach the API.
        await using var api = Machine.Namespace.CreateInside(() => new FakeSoracomApi());
        api.AddPeer("203.0.113.4", null, owned: false);
        api.AddPeer("203.0.113.132", null, owned: false);
        api.AddPeer("192.0.2.10", "198.18.0.10", owned: true);
        await Machine.WriteFileAsync("/etc/gatectl/soracom.json",
            $$"""{"authKeyId": "{{FakeSoracomApi.AuthKeyId}}", "authKey": "{{FakeSoracomApi.AuthKeySecret}}"}""", "0600");
        await fixture.WriteStateAsync(new StateYaml
        {
            ReconcileInterval = "1h",
            Gates = [MachineGate("gsds0") with { Soracom = new SoracomYaml(api.VpgId, api.BaseUrl, "/etc/gatectl/soracom.json") { Timeout = "2s" } }],
        }.ToString());
        try
        {
            // The drop-in the docs and the Ansible role install, unchanged: it is already in /etc/systemd/system/gatectl.service.d/.
            Assert.Contains("AF_INET", await Machine.PropertyAsync("gatectl", "RestrictAddressFamilies"), StringComparison.Ordinal);

            var start = await Machine.RunAsync(["systemctl", "start", "gatectl.service"]);

            Assert.True(start.ExitCode == 0, $"systemctl start gatectl failed: {start.StandardError}\n{await Machine.JournalAsync("gatectl")}");
            await fixture.WaitAsync(async () => (await fixture.FdbAsync("gsds0")).Contains($"{Flood} dst 203.0.113.132 self permanent", StringComparison.Ordinal),
                "the API's endpoints on the gate");
            Assert.Contains($"{Flood} dst 203.0.113.4 self permanent", await fixture.FdbAsync("gsds0"), StringComparison.Ordinal);
            Assert.True(api.Count("GET", "/gate/peers") >= 1);
            Assert.DoesNotContain(FakeSoracomApi.AuthKeySecret, await Machine.JournalAsync("gatectl"), StringComparison.Ordinal);
        }
        finally
        {
            await Machine.RunAsync(["rm", "-f", "/etc/gatectl/soracom.json"]);
        }
    }

    [Fact]
    public async Task A_gate_with_health_probes_a_peer_through_the_overlay_under_the_unit_with_the_health_drop_in_alone()
    {
        const string target = "198.18.5.20";
        const string soracomDropIn = "/etc/systemd/system/gatectl.service.d/soracom-api.conf";
        const string metrics = "/var/lib/prometheus/node-exporter/gatectl.prom";
        var clock = Stopwatch.StartNew();

        // A Gate Peer beside the machine: its own namespace, a VXLAN device (VNI 10) over a veth into the machine, and
        // the target's inner address on it. Echo requests reach it only through the gate's overlay.
        await using var peer = await TestNamespace.CreateAsync("hp");
        await OverlayPeer.ConnectAsync(Machine.Namespace, peer, "hu0", "203.0.113.10", "203.0.113.20", "vxh0", target + "/24");
        await Machine.RunCheckedAsync("mkdir", "-p", Path.GetDirectoryName(metrics)!);
        await fixture.WriteStateAsync(new StateYaml
        {
            ReconcileInterval = "1h",
            MetricsPath = metrics,
            Gates = [new GateYaml
            {
                Interface = "gsdh0", Vni = "10", Underlay = "hu0", Local = "203.0.113.10", Address = "198.18.5.10/24", Endpoints = ["203.0.113.20"],
                Extra = $"health:\n  interval: 5s\n  targets: [{target}]",
            }],
        }.ToString());
        try
        {
            // Only the shipped unit: no drop-in widens it (the SORACOM one, installed with the units, would allow AF_INET).
            await Machine.RunCheckedAsync("rm", "-f", HealthDropIn, soracomDropIn);
            await Machine.RunCheckedAsync("systemctl", "daemon-reload");
            var refused = await StartAndWaitForTargetAsync(target, t => t.State == "unavailable");
            Assert.Contains("RestrictAddressFamilies=", refused.Problem, StringComparison.Ordinal);
            Assert.Contains("/etc/systemd/system/gatectl.service.d/health.conf", refused.Problem, StringComparison.Ordinal);
            Assert.Contains($"  {target}  unavailable", await Machine.RunCheckedAsync("gatectl", "status"), StringComparison.Ordinal);

            await WriteHealthDropInAsync("gsdh0", "198.18.5.0/24");
            Assert.Equal("AF_INET AF_NETLINK AF_UNIX", await Machine.PropertyAsync("gatectl", "RestrictAddressFamilies"));
            Assert.Equal("198.18.5.0/24", await Machine.PropertyAsync("gatectl", "IPAddressAllow"));
            Assert.Equal("cap_net_admin", await Machine.PropertyAsync("gatectl", "CapabilityBoundingSet"));

            // Debian 12 leaves net.ipv4.ping_group_range at the kernel's "1 0" (no group): the ping socket is refused too,
            // and the status says which sysctl to set. (nspawn mounts the machine's /proc/sys read-only, so neither its
            // systemd-sysctl nor the test can set it inside: the test sets the namespace's value from outside.)
            await Machine.Namespace.ExecAsync("sysctl", "-qw", "net.ipv4.ping_group_range=1 0");
            var noPingGroup = await StartAndWaitForTargetAsync(target, t => t.State == "unavailable");
            Assert.Contains("net.ipv4.ping_group_range", noPingGroup.Problem, StringComparison.Ordinal);

            // The documented fix (/etc/sysctl.d/60-gatectl-ping.conf: root's group only), then the probe answers through the
            // overlay. (IPAddressAllow= is read as above, but this host's cgroup v1 hierarchy leaves the machine's systemd
            // without its BPF firewall, so only a cgroup v2 host enforces it: HealthProbeInNamespaceTests proves that a
            // request refused on its way out is named, with an output firewall rule, which fails the same way.)
            await Machine.Namespace.ExecAsync("sysctl", "-qw", "net.ipv4.ping_group_range=0 0");
            var up = await StartAndWaitForTargetAsync(target, t => t.State == "up");
            Assert.True(up is { RttSeconds: > 0, Replies: >= 1, Problem: null }, $"{up}");
            var status = await Machine.RunCheckedAsync("gatectl", "status");
            Assert.Contains($"  {target}  up", status, StringComparison.Ordinal);
            Assert.Contains("rtt ", status, StringComparison.Ordinal);
            var exported = await Machine.ReadFileAsync(metrics);
            Assert.Contains($"gatectl_probe_up{{gate=\"lab\",target=\"{target}\"}} 1", exported, StringComparison.Ordinal);
            Assert.Contains($"gatectl_probe_rtt_seconds{{gate=\"lab\",target=\"{target}\"}} ", exported, StringComparison.Ordinal);
            Assert.Equal("active", await Machine.PropertyAsync("gatectl", "ActiveState"));
            TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"three starts of gatectl.service (no drop-in, drop-in without the ping sysctl, both) in {clock.Elapsed.TotalSeconds:F1} s; rtt {up.RttSeconds * 1000:F2} ms"));
        }
        finally
        {
            await Machine.RunAsync(["systemctl", "stop", "gatectl.service"]);
            await Machine.Namespace.ExecAsync("sysctl", "-qw", "net.ipv4.ping_group_range=1 0");
            await Machine.InstallFileAsync(SourceTree.PathOf("systemd", "gatectl.service.d", "health.conf"), HealthDropIn);
            await Machine.InstallFileAsync(SourceTree.PathOf("systemd", "gatectl.service.d", "soracom-api.conf"), soracomDropIn);
            await Machine.RunAsync(["systemctl", "daemon-reload"]);
        }
    }

    [Fact]
    public async Task Every_feature_at_once_runs_under_the_unit_with_its_drop_ins_and_CAP_NET_ADMIN_alone()
    {
        // Least privilege with everything on: a SORACOM source (HTTP to the API), the guard (nf_tables), routing (sysctls
        // over rtnetlink, a masquerade table) and health probes (a ping socket) in one gate under the shipped unit with
        // both shipped drop-ins, the health one with its subnet line as the role renders it.
        const string device = "gsdf0";
        const string peerInner = "198.18.0.20";
        await using var peer = await TestNamespace.CreateAsync("fp");
        await OverlayPeer.ConnectAsync(Machine.Namespace, peer, "fu0", "203.0.113.10", "203.0.113.20", "vxf0", peerInner + "/15");
        await using var api = Machine.Namespace.CreateInside(() => new FakeSoracomApi());
        api.AddPeer("203.0.113.20", peerInner, owned: false);
        api.AddPeer("203.0.113.10", "198.18.0.10", owned: true);
        await Machine.WriteFileAsync("/etc/gatectl/soracom.json",
            $$"""{"authKeyId": "{{FakeSoracomApi.AuthKeyId}}", "authKey": "{{FakeSoracomApi.AuthKeySecret}}"}""", "0600");
        var forwardingBefore = (await Machine.RunCheckedAsync("sysctl", "-n", "net.ipv4.conf.fu0.forwarding")).Trim();
        await fixture.WriteStateAsync(new StateYaml
        {
            ReconcileInterval = "1h",
            Guard = true,
            Gates = [new GateYaml
            {
                Interface = device, Underlay = "fu0", Local = "203.0.113.10",
                Soracom = new SoracomYaml(api.VpgId, api.BaseUrl, "/etc/gatectl/soracom.json") { Timeout = "2s" },
                // No targets: the probe takes the inner addresses the API gives.
                Extra = "health: {interval: 5s}\nrouting:\n  masquerade: true\n  sources: [203.0.113.0/24]",
            }],
        }.ToString());
        try
        {
            await WriteHealthDropInAsync(device, "198.18.0.0/15");
            await Machine.Namespace.ExecAsync("sysctl", "-qw", "net.ipv4.ping_group_range=0 0");
            Assert.Equal("cap_net_admin", await Machine.PropertyAsync("gatectl", "CapabilityBoundingSet"));
            Assert.Equal("cap_net_admin", await Machine.PropertyAsync("gatectl", "AmbientCapabilities"));

            var up = await StartAndWaitForTargetAsync(peerInner, t => t.State == "up");

            Assert.True(up is { Replies: >= 1, Problem: null }, $"{up}");
            Assert.Equal("active", await Machine.PropertyAsync("gatectl", "ActiveState"));
            Assert.Contains($"{Flood} dst 203.0.113.20 self permanent", await fixture.FdbAsync(device), StringComparison.Ordinal);
            Assert.Contains("203.0.113.20", await Machine.RunCheckedAsync("nft", "list", "table", "inet", "gatectl_guard"), StringComparison.Ordinal);
            Assert.Contains("masquerade comment \"lab: masquerade 203.0.113.0/24\"",
                await Machine.RunCheckedAsync("nft", "list", "table", "inet", "gatectl_routing"), StringComparison.Ordinal);
            Assert.Equal("1", (await Machine.RunCheckedAsync("sysctl", "-n", $"net.ipv4.conf.{device}.forwarding")).Trim());
            Assert.Equal("1", (await Machine.RunCheckedAsync("sysctl", "-n", "net.ipv4.conf.fu0.forwarding")).Trim());
            Assert.Contains($"  {peerInner}  up", await Machine.RunCheckedAsync("gatectl", "status"), StringComparison.Ordinal);
            var journal = await Machine.JournalAsync("gatectl");
            Assert.DoesNotContain(journal.Split('\n'), l => (l.Contains("Reconcile (", StringComparison.Ordinal) && l.Contains("failed", StringComparison.Ordinal))
                || l.Contains("unavailable", StringComparison.Ordinal));
            Assert.DoesNotContain(FakeSoracomApi.AuthKeySecret, journal, StringComparison.Ordinal);

            // Everything gatectl made goes, and the forwarding it turned on is put back.
            await Machine.RunCheckedAsync("systemctl", "stop", "gatectl.service");
            Assert.Equal("success", await Machine.PropertyAsync("gatectl", "Result"));
            await Machine.RunCheckedAsync("gatectl", "delete", GatectlMachine.StatePath);
            Assert.Equal(forwardingBefore, (await Machine.RunCheckedAsync("sysctl", "-n", "net.ipv4.conf.fu0.forwarding")).Trim());
            var tables = await Machine.RunCheckedAsync("nft", "list", "tables");
            Assert.DoesNotContain("gatectl_routing", tables, StringComparison.Ordinal);
            Assert.DoesNotContain("gatectl_guard", tables, StringComparison.Ordinal);
            Assert.NotEqual(0, (await Machine.RunAsync(["ip", "link", "show", device])).ExitCode);
        }
        finally
        {
            await Machine.RunAsync(["systemctl", "stop", "gatectl.service"]);
            await Machine.RunAsync(["rm", "-f", "/etc/gatectl/soracom.json"]);
            await Machine.Namespace.ExecAsync("sysctl", "-qw", "net.ipv4.ping_group_range=1 0");
            await Machine.InstallFileAsync(SourceTree.PathOf("systemd", "gatectl.service.d", "health.conf"), HealthDropIn);
            await Machine.RunAsync(["systemctl", "daemon-reload"]);
            await Machine.Namespace.IpAsync("link", "del", "fu0");
        }
    }

    /// <summary>The health drop-in as the Ansible role renders it: the repository's lines, then the gate's device subnet.</summary>
    private async Task WriteHealthDropInAsync(string device, string subnet)
    {
        var shipped = await File.ReadAllTextAsync(SourceTree.PathOf("systemd", "gatectl.service.d", "health.conf"), TestContext.Current.CancellationToken);
        await Machine.WriteFileAsync(HealthDropIn, shipped + $"# gate lab ({device})\nIPAddressAllow={subnet}\n");
        await Machine.RunCheckedAsync("systemctl", "daemon-reload");
    }

    /// <summary>(Re)starts gatectl.service and waits for a probe round whose one target satisfies <paramref name="condition"/>.</summary>
    private async Task<ProbeTargetStatus> StartAndWaitForTargetAsync(string target, Func<ProbeTargetStatus, bool> condition)
    {
        var start = await Machine.RunAsync(["systemctl", "restart", "gatectl.service"]);
        Assert.True(start.ExitCode == 0, $"systemctl restart gatectl failed: {start.StandardError}\n{await Machine.JournalAsync("gatectl")}");
        ProbeTargetStatus? seen = null;
        var reached = await Poll.UntilAsync(async () =>
        {
            var file = await Machine.RunAsync(["cat", StatusFile.DefaultPath(null)]);
            var status = file.ExitCode == 0 ? JsonSerializer.Deserialize(file.StandardOutput, DaemonJsonContext.Default.DaemonStatus) : null;
            seen = status?.Health.SelectMany(g => g.Targets).SingleOrDefault(t => t.Target == target);
            return seen is not null && condition(seen);
        }, TimeSpan.FromSeconds(20));
        Assert.True(reached, $"waited 20 s for the probe of {target}; last seen {seen}; journal of gatectl:\n{await Machine.JournalAsync("gatectl")}");
        return seen!;
    }

    [Fact]
    public async Task The_timer_is_enabled_and_its_service_converges_the_gate_with_result_success()
    {
        await fixture.WriteStateAsync(State("gsdt0", guard: false, "198.51.100.4", "198.51.100.132"));
        await Machine.RunCheckedAsync("systemctl", "enable", "gatectl-reconcile.timer");
        try
        {
            Assert.Equal("enabled", (await Machine.RunCheckedAsync("systemctl", "is-enabled", "gatectl-reconcile.timer")).Trim());

            // Trigger the timer's service now rather than wait for OnBootSec (Type=oneshot: start returns when it is done).
            await Machine.RunCheckedAsync("systemctl", "start", "gatectl-reconcile.service");

            Assert.Equal("success", await Machine.PropertyAsync("gatectl-reconcile.service", "Result"));
            Assert.Equal("0", await Machine.PropertyAsync("gatectl-reconcile.service", "ExecMainStatus"));
            var fdb = await fixture.FdbAsync("gsdt0");
            Assert.Contains($"{Flood} dst 198.51.100.4 self permanent", fdb, StringComparison.Ordinal);
            Assert.Contains($"{Flood} dst 198.51.100.132 self permanent", fdb, StringComparison.Ordinal);
            Assert.Contains("verified in sync", await Machine.JournalAsync("gatectl-reconcile.service"), StringComparison.Ordinal);
        }
        finally
        {
            await Machine.RunAsync(["systemctl", "disable", "--now", "gatectl-reconcile.timer"]);
        }
    }

    [Fact]
    public async Task Networkd_fed_the_rendered_files_makes_the_same_device_address_and_flood_list_as_apply()
    {
        await fixture.WriteStateAsync(State("gsdd0", guard: false, "198.51.100.4", "198.51.100.132"));
        await Machine.RunCheckedAsync("gatectl", "apply", GatectlMachine.StatePath);
        var applied = await DescribeAsync("gsdd0") ?? throw new InvalidOperationException("apply made no gsdd0");
        await Machine.RunCheckedAsync("gatectl", "delete", GatectlMachine.StatePath);
        await Machine.RunCheckedAsync("mkdir", "-p", "/run/gct-networkd");
        await Machine.RunCheckedAsync("gatectl", "render", GatectlMachine.StatePath, "--format", "networkd", "--out", "/run/gct-networkd");
        try
        {
            // The host's own .network for the underlay, and gatectl's files beside it: the drop-in where its comment says.
            await Machine.WriteFileAsync("/etc/systemd/network/10-u0.network", $"""
                [Match]
                Name={GatectlMachine.Underlay}

                [Network]
                Address={GatectlMachine.Local}/24
                LinkLocalAddressing=no
                """);
            foreach (var file in new[] { "50-gatectl-gsdd0.netdev", "50-gatectl-gsdd0.network", "50-gatectl-gsdd0.link" })
            {
                await Machine.RunCheckedAsync("install", "-m", "0644", "/run/gct-networkd/" + file, "/etc/systemd/network/" + file);
            }

            await Machine.RunCheckedAsync("install", "-D", "-m", "0644", "/run/gct-networkd/underlay-u0.network.d/50-gatectl-gsdd0.conf",
                "/etc/systemd/network/10-u0.network.d/50-gatectl-gsdd0.conf");

            // networkd configures the underlay it is given: an address put there before it starts (here by the fixture's
            // `ip address add`) makes systemd 252's networkd fail the link on kernel 6.18 ("Failed to configure address:
            // Numerical result out of range") and so never attach the VXLAN. On a networkd host nothing else sets it.
            await Machine.RunCheckedAsync("ip", "address", "flush", "dev", GatectlMachine.Underlay);
            await Machine.RunCheckedAsync("systemctl", "start", "systemd-networkd.service");

            DeviceDescription? made = null;
            await fixture.WaitAsync(async () => (made = await DescribeAsync("gsdd0")) == applied with { Alias = made?.Alias }, "networkd's device to match apply's", "systemd-networkd");
            var networkctl = await Machine.RunCheckedAsync("networkctl", "list", "--no-legend");
            Assert.Contains("gsdd0", networkctl, StringComparison.Ordinal);
            Assert.DoesNotContain("failed", networkctl, StringComparison.Ordinal);

            // udev applies .link files, and a container runs no udev: the alias (gatectl's ownership mark) is the one difference.
            Assert.Equal("gatectl:lab", applied.Alias);
            TestContext.Current.TestOutputHelper?.WriteLine($"networkd device alias in the machine: '{made!.Alias}' (udev applies .link files; no udev in a container)");
        }
        finally
        {
            await Machine.RunAsync(["systemctl", "stop", "systemd-networkd.service", "systemd-networkd.socket"]);
            await Machine.RunAsync(["rm", "-rf", "/etc/systemd/network/10-u0.network", "/etc/systemd/network/10-u0.network.d",
                "/etc/systemd/network/50-gatectl-gsdd0.netdev", "/etc/systemd/network/50-gatectl-gsdd0.network", "/etc/systemd/network/50-gatectl-gsdd0.link", "/run/gct-networkd"]);
            await Machine.RunAsync(["ip", "link", "del", "gsdd0"]);
            await Machine.RunAsync(["ip", "address", "replace", GatectlMachine.Local + "/24", "dev", GatectlMachine.Underlay]);
        }
    }

    /// <summary>What apply and networkd must agree on: the VXLAN attributes, the addresses and the flood list.</summary>
    private sealed record DeviceDescription(string Vxlan, int Mtu, string Addresses, string FloodList, string? Alias);

    private async Task<DeviceDescription?> DescribeAsync(string device)
    {
        var link = await Machine.RunAsync(["ip", "-d", "-j", "link", "show", "dev", device]);
        var address = await Machine.RunAsync(["ip", "-j", "-4", "address", "show", "dev", device]);
        if (link.ExitCode != 0 || address.ExitCode != 0)
        {
            return null;
        }

        var l = System.Text.Json.Nodes.JsonNode.Parse(link.StandardOutput)![0]!;
        var data = l["linkinfo"]!["info_data"]!;
        var vxlan = string.Join(' ',
            $"kind={l["linkinfo"]!["info_kind"]}", $"id={data["id"]}", $"local={data["local"]}", $"link={data["link"]}", $"port={data["port"]}",
            $"range={data["port_range"]?["low"]}-{data["port_range"]?["high"]}", $"learning={data["learning"]}", $"up={l["flags"]!.AsArray().Any(f => (string?)f == "UP")}");
        var addressList = System.Text.Json.Nodes.JsonNode.Parse(address.StandardOutput)!.AsArray();
        var addresses = string.Join(",", addressList.Count == 0 ? Enumerable.Empty<string>() : addressList[0]!["addr_info"]!.AsArray()
            .Select(a => $"{a!["local"]}/{a["prefixlen"]} metric {a["metric"]}").Order(StringComparer.Ordinal));
        var flood = string.Join(',', (await fixture.FdbAsync(device)).Split('\n')
            .Where(e => e.StartsWith(Flood, StringComparison.Ordinal) && e.Contains("permanent", StringComparison.Ordinal))
            .Select(e => e.Trim()).Order(StringComparer.Ordinal));
        return new DeviceDescription(vxlan, (int)l["mtu"]!, addresses, flood, (string?)l["ifalias"]);
    }

    [Fact]
    public async Task Start_up_time_and_memory_of_the_daemon_under_systemd_are_measured()
    {
        await fixture.WriteStateAsync(State("gsdm0", guard: false, "198.51.100.4", "198.51.100.132"));

        var clock = Stopwatch.StartNew();
        await Machine.RunCheckedAsync("systemctl", "start", "gatectl.service");
        var toReady = clock.Elapsed;

        // Settled for 15 s (not the full minute: the suite's time budget): resident set now and its peak.
        await Task.Delay(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        var pid = await Machine.PropertyAsync("gatectl", "MainPID");
        var proc = await Machine.ReadFileAsync($"/proc/{pid}/status");
        var rss = Kib(proc, "VmRSS:");
        var peak = Kib(proc, "VmHWM:");
        var memoryCurrent = await Machine.PropertyAsync("gatectl", "MemoryCurrent");

        Assert.True(rss > 0 && peak >= rss, proc);
        Assert.Equal("active", await Machine.PropertyAsync("gatectl", "ActiveState"));
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"gatectl.service: systemctl start to READY {toReady.TotalMilliseconds:F0} ms; after 15 s VmRSS {rss / 1024.0:F1} MiB, VmHWM {peak / 1024.0:F1} MiB; MemoryCurrent={memoryCurrent}; machine boot {Machine.BootTime.TotalSeconds:F1} s"));
    }

    private static long Kib(string procStatus, string field)
    {
        var line = procStatus.Split('\n').First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
