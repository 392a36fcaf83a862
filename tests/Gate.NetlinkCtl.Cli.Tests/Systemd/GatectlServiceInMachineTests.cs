using System.Diagnostics;
using System.Globalization;
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

    private SystemdMachine Machine => fixture.Machine;

    /// <inheritdoc />
    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await fixture.ResetAsync();

    private static string State(string device, bool guard, params string[] endpoints) => $"""
        apiVersion: gatectl/v1
        kind: GatePeer
        host:
          backend: netlink
          reconcileInterval: 1h
          guard: {(guard ? "true" : "false")}
        gates:
          - name: lab
            interface: {device}
            vni: 10
            underlay: {GatectlMachine.Underlay}
            local: {GatectlMachine.Local}
            address: 198.18.0.10/15
            endpoints:
        {string.Concat(endpoints.Select(e => $"      - {e}\n"))}
        """;

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
    public async Task A_soracom_gate_under_the_unit_with_the_soracom_api_drop_in_takes_its_endpoints_from_the_API()
    {
        // The API server listens inside the machine's namespace: the unit reaches it on 127.0.0.1 as it would reach the API.
        await using var api = Machine.Namespace.CreateInside(() => new FakeSoracomApi());
        api.AddPeer("203.0.113.4", null, owned: false);
        api.AddPeer("203.0.113.132", null, owned: false);
        api.AddPeer("192.0.2.10", "198.18.0.10", owned: true);
        await Machine.WriteFileAsync("/etc/gatectl/soracom.json",
            $$"""{"authKeyId": "{{FakeSoracomApi.AuthKeyId}}", "authKey": "{{FakeSoracomApi.AuthKeySecret}}"}""", "0600");
        await fixture.WriteStateAsync($"""
            apiVersion: gatectl/v1
            kind: GatePeer
            host:
              reconcileInterval: 1h
            gates:
              - name: lab
                interface: gsds0
                underlay: {GatectlMachine.Underlay}
                local: {GatectlMachine.Local}
                address: 198.18.0.10/15
                soracom:
                  vpgId: {api.VpgId}
                  coverage: global
                  credentials: {"{"}file: /etc/gatectl/soracom.json{"}"}
                  apiUrl: {api.BaseUrl}
                  timeout: 2s
            """);
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
        TestContext.Current.SendDiagnosticMessage(string.Create(CultureInfo.InvariantCulture,
            $"gatectl.service: systemctl start to READY {toReady.TotalMilliseconds:F0} ms; after 15 s VmRSS {rss / 1024.0:F1} MiB, VmHWM {peak / 1024.0:F1} MiB; MemoryCurrent={memoryCurrent}; machine boot {Machine.BootTime.TotalSeconds:F1} s"));
    }

    private static long Kib(string procStatus, string field)
    {
        var line = procStatus.Split('\n').First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
