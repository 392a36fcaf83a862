using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Gate.NetlinkCtl.Daemon;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Daemon;

/// <summary>
/// The real <c>gatectl run</c> process keeps a gate in force inside a test namespace: drift made by hand
/// with iproute2 is repaired (from rtnetlink events, or at the periodic resync when events are off), state
/// file edits are picked up or refused, SIGHUP reconciles, SIGTERM exits 0.
/// </summary>
public sealed class DaemonInNamespaceTests
{
    private const string Flood = "00:00:00:00:00:00";

    private static string State(RunningDaemon d, string interval = "1h", string vni = "10", string? extraEndpoint = null, string backend = "auto", string underlay = "u0") =>
        RunningDaemon.LabState(d, backend, interval, vni, extraEndpoint, underlay);

    [Fact]
    public async Task An_FDB_entry_deleted_by_hand_is_restored()
    {
        await using var d = await RunningDaemon.CreateAsync(d => State(d));
        await d.StartAsync();
        Assert.Contains($"{Flood} dst 198.51.100.4 self permanent", await FdbAsync(d), StringComparison.Ordinal);

        await d.Namespace.BridgeAsync("fdb", "del", Flood, "dev", "vxlab0", "dst", "198.51.100.4");

        await d.WaitUntilAsync(async () => (await FdbAsync(d)).Contains($"{Flood} dst 198.51.100.4 self permanent", StringComparison.Ordinal), "the FDB entry to come back");
        var status = await d.WaitForStatusAsync(s => s.LastRepair?.Repairs.Any(r => r.Kind == "add-flood" && r.Detail.Contains("198.51.100.4", StringComparison.Ordinal)) == true
            && s.LastRepair.Triggers.Contains("kernel-event"), "the repair recorded in the status");
        Assert.Equal(0, status.ConsecutiveFailures);
    }

    [Fact]
    public async Task On_a_large_gate_a_deleted_flood_entry_is_put_back_at_once_by_the_fast_path()
    {
        // 2,000 endpoints (as the bench, outer addresses from the benchmarking range 198.18.0.0/16: nothing is sent to
        // them), so a full reconcile is no longer trivial. The periodic resync is an hour away.
        var endpoints = Enumerable.Range(0, 2_000).Select(i => $"198.18.{i / 250}.{1 + (i % 250)}").ToArray();
        await using var d = await RunningDaemon.CreateAsync(d => new StateYaml
        {
            Backend = "netlink",
            ReconcileInterval = "1h",
            MetricsPath = d.MetricsPath,
            Gates = [new GateYaml { Name = "big", Interface = "vxbig0", Address = "198.19.255.10/24", Endpoints = endpoints }],
        }.ToString());
        await d.StartAsync();
        const string Deleted = "198.18.3.17";
        Assert.Contains($"{Flood} dst {Deleted} self permanent", await d.Namespace.BridgeAsync("fdb", "show", "dev", "vxbig0"), StringComparison.Ordinal);
        // The start's own 2,000 additions may come back as events and bring a reconcile after them. Deleted while that
        // pass runs, the entry would be put back by the pass itself (the fast path waits for a pass in flight), so the
        // deletion waits until the daemon is idle: this test is about the fast path.
        var settled = await d.WaitForQuietAsync(TimeSpan.FromSeconds(2.5));

        await d.Namespace.BridgeAsync("fdb", "del", Flood, "dev", "vxbig0", "dst", Deleted);

        await d.WaitUntilAsync(async () => (await d.Namespace.BridgeAsync("fdb", "show", "dev", "vxbig0")).Contains($"{Flood} dst {Deleted} self permanent", StringComparison.Ordinal), "the FDB entry to come back");
        // The full reconcile still follows, and finds nothing left to do.
        var status = await d.WaitForStatusAsync(
            s => s.Totals.Reconciles > settled.Totals.Reconciles && s.LastReconcile?.Triggers.Contains("kernel-event") == true, "the follow-up reconcile");
        Assert.Equal("in-sync", status.LastReconcile!.Result);
        Assert.Equal($"add flood entry {Flood} dst {Deleted} to vxbig0", Assert.Single(status.LastRepair!.Repairs).Detail);
        Assert.Contains($"Repaired drift on gate big at once from a kernel event (fast path): add-flood: add flood entry {Flood} dst {Deleted} to vxbig0", d.Log, StringComparison.Ordinal);
        // 2,000 at start, one by the fast path.
        Assert.Contains("gatectl_drift_repairs_total{kind=\"add-flood\"} 2001", await File.ReadAllTextAsync(d.MetricsPath, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(2_000, (await d.Namespace.BridgeAsync("fdb", "show", "dev", "vxbig0")).Split('\n').Count(l => l.StartsWith(Flood, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_device_deleted_by_hand_is_created_again_with_its_address_and_FDB()
    {
        await using var d = await RunningDaemon.CreateAsync(d => State(d));
        await d.StartAsync();

        await d.Namespace.IpAsync("link", "del", "vxlab0");

        await d.WaitUntilAsync(async () =>
            (await FdbAsync(d)).Contains($"dst 198.51.100.132 self permanent", StringComparison.Ordinal)
            && (await AddressesAsync(d)).Contains("inet 198.18.0.10/15 metric 147", StringComparison.Ordinal)
            && (await LinkAsync(d)).Contains(",UP,", StringComparison.Ordinal), "vxlab0 to be back, up, with its address and FDB entries");
        Assert.Contains("alias gatectl:lab", await d.Namespace.IpAsync("-d", "link", "show", "vxlab0"), StringComparison.Ordinal);
        await d.WaitForStatusAsync(s => s.LastRepair?.Repairs.Any(r => r.Kind == "create-device") == true && s.LastRepair.Triggers.Contains("kernel-event"), "the re-creation recorded");
    }

    [Fact]
    public async Task A_link_set_down_by_hand_is_set_up_again()
    {
        await using var d = await RunningDaemon.CreateAsync(d => State(d));
        await d.StartAsync();

        await d.Namespace.IpAsync("link", "set", "vxlab0", "down");

        await d.WaitUntilAsync(async () => (await LinkAsync(d)).Contains(",UP,", StringComparison.Ordinal), "vxlab0 to be up again");
        await d.WaitForStatusAsync(s => s.LastRepair?.Repairs.Any(r => r.Kind == "set-up") == true, "the repair recorded");
    }

    [Fact]
    public async Task With_rtnetlink_events_off_the_periodic_resync_still_repairs()
    {
        await using var d = await RunningDaemon.CreateAsync(d => State(d, interval: "1s"));
        await d.StartAsync("--no-events");

        await d.Namespace.BridgeAsync("fdb", "del", Flood, "dev", "vxlab0", "dst", "198.51.100.132");

        await d.WaitUntilAsync(async () => (await FdbAsync(d)).Contains($"{Flood} dst 198.51.100.132 self permanent", StringComparison.Ordinal), "the periodic resync to restore the entry");
        var status = await d.WaitForStatusAsync(s => s.LastRepair?.Triggers.Contains("start") == false, "the repair recorded");
        Assert.Equal(["periodic"], status.LastRepair!.Triggers);
    }

    [Fact]
    public async Task A_failing_reconcile_is_retried_with_backoff_and_the_daemon_recovers()
    {
        // The underlay u1 does not exist yet: every reconcile fails until it appears. Events are off, so only
        // the backoff's retries can bring the gate up.
        await using var d = await RunningDaemon.CreateAsync(d => State(d, underlay: "u1"));
        await d.StartAsync("--no-events");

        var failing = await d.WaitForStatusAsync(s => s.ConsecutiveFailures >= 2, "two failed reconciles in a row");
        Assert.Equal("failed", failing.LastReconcile!.Result);
        Assert.Contains("u1", failing.LastReconcile.Error, StringComparison.Ordinal);
        Assert.NotNull(failing.NextRetryAt);
        await d.Namespace.IpAsync("link", "add", "u1", "type", "veth", "peer", "name", "u1p");
        await d.Namespace.IpAsync("link", "set", "u1", "up");

        var recovered = await d.WaitForStatusAsync(s => s.LastReconcile?.Result == "repaired", "the retry that succeeds");
        Assert.Equal(["retry"], recovered.LastReconcile!.Triggers);
        Assert.Equal(0, recovered.ConsecutiveFailures);
        Assert.Contains("vxlan id 10 local 192.0.2.10 dev u1", await d.Namespace.IpAsync("-d", "link", "show", "vxlab0"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_state_file_replaced_by_rename_is_picked_up()
    {
        await using var d = await RunningDaemon.CreateAsync(d => State(d));
        await d.StartAsync();
        var first = StatusFile.Read(d.StatusPath)!.State.Sha256;

        await d.ReplaceStateAsync(State(d, extraEndpoint: "198.51.100.200"));

        await d.WaitUntilAsync(async () => (await FdbAsync(d)).Contains($"{Flood} dst 198.51.100.200 self permanent", StringComparison.Ordinal), "the new endpoint's FDB entry");
        var status = await d.WaitForStatusAsync(s => s.State.Sha256 != first && s.LastRepair?.Triggers.Contains("state-file-changed") == true, "the new state in force");
        Assert.Empty(status.State.RejectedErrors);
    }

    [Fact]
    public async Task An_invalid_edit_is_refused_and_the_old_state_stays_in_force()
    {
        await using var d = await RunningDaemon.CreateAsync(d => State(d));
        await d.StartAsync();
        var good = StatusFile.Read(d.StatusPath)!.State.Sha256;

        await d.ReplaceStateAsync(State(d, vni: "0", extraEndpoint: "198.51.100.200"));

        var status = await d.WaitForStatusAsync(s => s.State.RejectedErrors.Count > 0, "the edit to be refused");
        Assert.Contains("gates[0].vni", Assert.Single(status.State.RejectedErrors), StringComparison.Ordinal);
        Assert.Equal(good, status.State.Sha256);
        Assert.Contains("gatectl_state_file_valid 0", await File.ReadAllTextAsync(d.MetricsPath, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        // The old state is still the one enforced: a drift is repaired to it, and the refused endpoint never appears.
        await d.Namespace.BridgeAsync("fdb", "del", Flood, "dev", "vxlab0", "dst", "198.51.100.4");
        await d.WaitUntilAsync(async () => (await FdbAsync(d)).Contains($"{Flood} dst 198.51.100.4 self permanent", StringComparison.Ordinal), "the old state's entry to be restored");
        Assert.DoesNotContain("198.51.100.200", await FdbAsync(d), StringComparison.Ordinal);
        Assert.Contains("vxlan id 10 ", await d.Namespace.IpAsync("-d", "link", "show", "vxlab0"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SIGHUP_reconciles_and_SIGTERM_stops_the_daemon_with_exit_code_0()
    {
        await using var d = await RunningDaemon.CreateAsync(d => State(d));
        await d.StartAsync();

        d.Signal(Signals.Hangup);
        await d.WaitForStatusAsync(s => s.LastReconcile?.Triggers.Contains("reload") == true, "a reconcile triggered by SIGHUP");
        d.Signal(Signals.Terminate);

        Assert.Equal(ExitCodes.Ok, await d.WaitForExitAsync());
        Assert.Contains("gatectl daemon stopped", d.Log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("netlink")]
    [InlineData("iproute2")]
    public async Task With_only_CAP_NET_ADMIN_as_the_unit_grants_the_daemon_still_repairs_drift(string backend)
    {
        await using var d = await RunningDaemon.CreateAsync(d => State(d, backend: backend));
        await d.StartConfinedAsync();
        Assert.Contains("CapEff:\t0000000000001000", await File.ReadAllTextAsync($"/proc/{d.Pid}/status", TestContext.Current.CancellationToken), StringComparison.Ordinal);

        await d.Namespace.BridgeAsync("fdb", "del", Flood, "dev", "vxlab0", "dst", "198.51.100.4");

        // With iproute2 the repair runs `ip` and `bridge` as children: they inherit CAP_NET_ADMIN as an ambient capability.
        await d.WaitUntilAsync(async () => (await FdbAsync(d)).Contains($"{Flood} dst 198.51.100.4 self permanent", StringComparison.Ordinal), "the FDB entry to come back");
        d.Signal(Signals.Terminate);
        Assert.Equal(ExitCodes.Ok, await d.WaitForExitAsync());
    }

    [Fact]
    public async Task Under_systemd_the_daemon_notifies_READY_after_its_first_reconcile_and_STOPPING_on_SIGTERM()
    {
        await using var d = await RunningDaemon.CreateAsync(d => State(d));
        var socketPath = Path.Combine(d.Directory, "notify");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));

        d.StartAsSystemdService(socketPath);

        Assert.Equal("READY=1", await ReceiveAsync(notify));
        // READY=1 comes only after the first reconcile: the gate is there already.
        Assert.Contains("vxlab0", await d.Namespace.IpAsync("link", "show", "vxlab0"), StringComparison.Ordinal);
        d.Signal(Signals.Terminate);
        Assert.Equal("STOPPING=1", await ReceiveAsync(notify));
        var exit = await d.WaitForExitAsync(); // unshare exits with its child's status
        Assert.True(exit == ExitCodes.Ok, $"exit {exit}; the daemon's log:\n{d.Log}");
        // journald's format: a syslog priority prefix per line instead of the console's level words.
        Assert.Contains("<6>Gate.NetlinkCtl.Daemon.ReconcileDaemon[1] gatectl daemon started", d.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_and_metrics_report_the_running_daemon()
    {
        await using var d = await RunningDaemon.CreateAsync(d => State(d));
        await d.StartAsync();
        var stdout = new StringWriter();

        var exit = StatusCommand(d, stdout, "--output", "json");

        Assert.Equal(ExitCodes.Ok, exit);
        using var json = JsonDocument.Parse(stdout.ToString());
        Assert.True(json.RootElement.GetProperty("running").GetBoolean());
        var status = json.RootElement.GetProperty("status");
        Assert.Equal(d.Pid, status.GetProperty("pid").GetInt32());
        // The start's own kernel events may already have brought a second, in-sync reconcile: the start is the last repair.
        Assert.True(status.GetProperty("lastReconcile").GetProperty("result").GetString() is "repaired" or "in-sync");
        Assert.Equal(["start"], status.GetProperty("lastRepair").GetProperty("triggers").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(5, status.GetProperty("lastRepair").GetProperty("repairs").GetArrayLength());
        var text = new StringWriter();
        Assert.Equal(ExitCodes.Ok, StatusCommand(d, text));
        Assert.Contains("daemon:       running", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("gate lab (vxlab0): in sync", text.ToString(), StringComparison.Ordinal);
        var metrics = await File.ReadAllTextAsync(d.MetricsPath, TestContext.Current.CancellationToken);
        Assert.Contains("gatectl_gate_in_sync{gate=\"lab\",interface=\"vxlab0\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("gatectl_drift_repairs_total{kind=\"add-flood\"} 2", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_daemon_whose_state_is_invalid_at_start_exits_3_and_changes_nothing()
    {
        await using var d = await RunningDaemon.CreateAsync(d => State(d, vni: "0"));

        await d.StartProcessOnlyAsync();

        Assert.Equal(ExitCodes.InvalidState, await d.WaitForExitAsync());
        Assert.Contains("gates[0].vni", d.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("vxlab0", await d.Namespace.IpAsync("link", "show"), StringComparison.Ordinal);
    }

    [Fact]
    public void Status_without_a_daemon_says_so_and_exits_1()
    {
        var dir = Directory.CreateTempSubdirectory("gct-nostatus-").FullName;
        try
        {
            var stderr = new StringWriter();

            var exit = GatectlCli.Run(["status", "--runtime-dir", dir], new StringWriter(), stderr);

            Assert.Equal(ExitCodes.Error, exit);
            Assert.Contains("no daemon status at " + Path.Combine(dir, "status.json"), stderr.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[256];
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(RunningDaemon.WaitLimit);
        var length = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
        return Encoding.UTF8.GetString(buffer, 0, length).Trim();
    }

    private static int StatusCommand(RunningDaemon d, StringWriter stdout, params string[] extra) =>
        GatectlCli.Run(["status", "--netns", d.Namespace.Name, "--runtime-dir", d.RuntimeDirectory, .. extra], stdout, new StringWriter());

    private static Task<string> FdbAsync(RunningDaemon d) => ShowOrEmptyAsync(d, "bridge", "fdb", "show", "dev", "vxlab0");

    private static Task<string> LinkAsync(RunningDaemon d) => ShowOrEmptyAsync(d, "ip", "link", "show", "vxlab0");

    private static Task<string> AddressesAsync(RunningDaemon d) => ShowOrEmptyAsync(d, "ip", "-4", "address", "show", "dev", "vxlab0");

    // While the device is missing, iproute2 exits non-zero: that is "not there yet", not a failure.
    private static async Task<string> ShowOrEmptyAsync(RunningDaemon d, string program, params string[] args)
    {
        try
        {
            return program == "bridge" ? await d.Namespace.BridgeAsync(args) : await d.Namespace.IpAsync(args);
        }
        catch (InvalidOperationException)
        {
            return "";
        }
    }
}
