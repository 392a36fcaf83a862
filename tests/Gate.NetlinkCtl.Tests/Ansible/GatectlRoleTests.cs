using System.Net;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gate.NetlinkCtl.SoracomApi;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Ansible;

/// <summary>
/// The gatectl role, run for real with ansible-playbook (local connection) into a staging root and a namespace of
/// the test's own. Most tests read the fixture's shared runs (see <see cref="GatectlRoleFixture"/>); the two that
/// change the install run once more each and compare against what they saw just before.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class GatectlRoleTests(GatectlRoleFixture fixture) : IClassFixture<GatectlRoleFixture>
{
    private const string Host = GatectlRoleFixture.Host;

    private static readonly UnixFileMode Executable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private static readonly UnixFileMode Readable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_first_run_installs_the_checked_binary_the_state_and_the_units()
    {
        var install = await fixture.InstallAsync();

        Assert.True(install.FirstRun.ExitCode == 0, install.FirstRun.ToString());
        Assert.True(install.FirstRun.RecapOf(Host).Changed > 0, install.FirstRun.ToString());
        Assert.Equal(install.SourceSha256, await GatectlRoleFixture.Sha256Async(install.Binary));
        Assert.Equal(Executable, File.GetUnixFileMode(install.Binary));
        Assert.Equal(Readable, File.GetUnixFileMode(install.StateFile));
        foreach (var unit in new[] { "gatectl.service", "gatectl-reconcile.service", "gatectl-reconcile.timer" })
        {
            var installed = Path.Combine(install.UnitDir, unit);
            Assert.Equal(await File.ReadAllBytesAsync(SourceTree.PathOf("systemd", unit), Ct), await File.ReadAllBytesAsync(installed, Ct));
            Assert.Equal(Readable, File.GetUnixFileMode(installed));
        }
    }

    [Fact]
    public async Task A_second_run_changes_nothing()
    {
        var install = await fixture.InstallAsync();

        Assert.True(install.SecondRun.RecapOf(Host) is { Changed: 0, Failed: 0 }, install.SecondRun.ToString());
        Assert.Equal(install.RenderedState, install.AfterSecondRun.State);
    }

    [Fact]
    public async Task The_rendered_state_is_valid_and_holds_this_hosts_addresses_and_the_fleet_as_peers()
    {
        var install = await fixture.InstallAsync();

        var read = StateFile.Parse(Encoding.UTF8.GetString(install.RenderedState), install.StateFile);

        Assert.True(read.IsValid, string.Join('\n', read.Errors));
        Assert.Equal(BackendKind.Netlink, read.State!.Host.Backend);
        Assert.Equal(TimeSpan.FromSeconds(30), read.State.Host.ReconcileInterval);
        var gate = Assert.Single(read.State.Gates);
        Assert.Equal(GatectlRoleFixture.Interface, gate.Interface);
        Assert.Equal(IPAddress.Parse(GatectlRoleFixture.OuterIp), gate.Local);
        Assert.Equal(GatectlRoleFixture.InnerAddress, gate.Address.ToString());
        Assert.Equal(GatectlRoleFixture.Endpoints, gate.Endpoints.Select(e => e.ToString()));
        Assert.Equal(GateAdoption.InPlace, gate.Adoption);
        var peer = Assert.Single(gate.Peers);
        Assert.Equal(new PeerSpec(IPAddress.Parse(GatectlRoleFixture.OtherOuterIp), IPAddress.Parse(GatectlRoleFixture.OtherInnerIp), GatectlRoleFixture.OtherHost), peer);
    }

    [Fact]
    public async Task Units_name_the_installed_paths_through_drop_ins_and_the_daemon_is_enabled()
    {
        var install = await fixture.InstallAsync();

        var daemon = await File.ReadAllLinesAsync(Path.Combine(install.UnitDir, "gatectl.service.d", "gatectl-paths.conf"), Ct);
        var oneshot = await File.ReadAllLinesAsync(Path.Combine(install.UnitDir, "gatectl-reconcile.service.d", "gatectl-paths.conf"), Ct);

        // An empty ExecStart= first: a drop-in's ExecStart adds to the unit's otherwise.
        Assert.Equal(["ExecStart=", $"ExecStart={GatectlRoleFixture.BinDir}/gatectl run /etc/gatectl/state.yaml"], daemon.Where(l => l.StartsWith("ExecStart=", StringComparison.Ordinal)));
        Assert.Equal(["ExecStart=", $"ExecStart={GatectlRoleFixture.BinDir}/gatectl apply /etc/gatectl/state.yaml"], oneshot.Where(l => l.StartsWith("ExecStart=", StringComparison.Ordinal)));
        Assert.True(install.DaemonEnabled, "gatectl.service is not linked into multi-user.target.wants");
        Assert.False(install.TimerEnabled, "gatectl-reconcile.timer is enabled although the mode is daemon");
    }

    [Fact]
    public async Task Wrong_variables_are_refused_by_the_argument_specs_before_any_task_runs()
    {
        var install = await fixture.InstallAsync();
        const string host = GatectlRoleFixture.RefusedVariables;

        var result = install.SecondRun.ResultOf("Validating arguments against arg spec 'main'", host);

        Assert.Equal(new PlayRecap(Ok: 0, Changed: 0, Unreachable: 0, Failed: 1, Skipped: 0, Rescued: 0, Ignored: 0), install.SecondRun.RecapOf(host));
        Assert.Equal("failed", result.Status);
        Assert.Contains("value of gatectl_mode must be one of: daemon, timer, got: cron", result.Text, StringComparison.Ordinal);
        Assert.Matches(@"argument 'vni' is of type <class '[\w.]+'> found in 'gatectl_gates'\. and we were unable to convert to int", result.Text);
        Assert.Contains("missing required arguments: underlay found in gatectl_gates", result.Text, StringComparison.Ordinal);
        Assert.Contains("gatectl_gates.endpoint. Supported parameters include:", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_state_gatectl_refuses_never_replaces_the_installed_one()
    {
        var install = await fixture.InstallAsync();
        const string host = GatectlRoleFixture.RefusedState;

        var refusal = install.SecondRun.ResultOf("Refuse the state", host);
        var listing = install.SecondRun.ResultOf("Show the refused state", host);

        Assert.Equal(1, install.SecondRun.RecapOf(host).Failed);
        Assert.Equal("failed", refusal.Status);
        Assert.Contains("gates[0].vni: 20000000 is out of range", refusal.Text, StringComparison.Ordinal);
        Assert.Contains($"gates[0].endpoints[0]: {GatectlRoleFixture.OuterIp} is this gate's own local address", refusal.Text, StringComparison.Ordinal);
        Assert.Contains($"{install.StateFile} was left as it was", refusal.Text, StringComparison.Ordinal);
        // gatectl's line numbers point into a temporary file; the role prints the refused state with the same numbers.
        var line = Regex.Match(refusal.Text, @"new state:(\d+):\d+: gates\[0\]\.vni").Groups[1].Value;
        Assert.Contains($"\"{line}:     vni: 20000000\"", listing.Text, StringComparison.Ordinal);
        Assert.Equal(install.RenderedState, install.AfterSecondRun.State);
    }

    [Theory]
    [InlineData(GatectlRoleFixture.RefusedBinarySource, "The binary on the controller has the expected SHA-256", "gatectl_binary_sha256 says 0000000000000000000000000000000000000000000000000000000000000000. Nothing was installed.")]
    [InlineData(GatectlRoleFixture.RefusedBinaryUrl, "Download the binary, checking its SHA-256", "did not match 0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task A_binary_that_does_not_match_its_checksum_is_refused_and_the_installed_one_kept(string host, string task, string refusal)
    {
        var install = await fixture.InstallAsync();

        var result = install.SecondRun.ResultOf(task, host);

        Assert.Equal(1, install.SecondRun.RecapOf(host).Failed);
        Assert.Equal("failed", result.Status);
        Assert.Contains(refusal, result.Text, StringComparison.Ordinal);
        Assert.Equal(install.SourceSha256, install.AfterSecondRun.BinarySha256);
    }

    [Fact]
    public async Task Check_mode_on_a_host_in_sync_reports_no_change()
    {
        var install = await fixture.InstallAsync();

        Assert.True(install.CheckRun.RecapOf(Host) is { Changed: 0, Failed: 0 }, install.CheckRun.ToString());
        Assert.Equal("ok", install.CheckRun.ResultOf("Run gatectl plan", Host).Status);
        Assert.Contains("in sync", install.CheckRun.ResultOf("Show the plan", Host).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_mode_shows_what_gatectl_plan_would_change_and_changes_nothing()
    {
        var install = await fixture.InstallAsync();
        const string host = GatectlRoleFixture.CheckNewEndpoint;

        var plan = install.CheckRun.ResultOf("Show the plan", host).Text;

        Assert.True(install.CheckRun.RecapOf(host) is { Changed: > 0, Failed: 0 }, install.CheckRun.ToString());
        Assert.Equal("changed", install.CheckRun.ResultOf("Run gatectl plan", host).Status);
        Assert.Contains($"dst {GatectlRoleFixture.NewEndpoint}", plan, StringComparison.Ordinal);
        Assert.DoesNotContain($"create {GatectlRoleFixture.Interface}", plan, StringComparison.Ordinal);
        Assert.Equal(install.AfterSecondRun.State, install.AfterCheckRun.State);
        Assert.Equal(install.AfterSecondRun.BinarySha256, install.AfterCheckRun.BinarySha256);
        Assert.DoesNotContain(GatectlRoleFixture.NewEndpoint, install.FdbAfterCheckRun, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timer_mode_enables_the_timer_and_disables_the_daemon()
    {
        var install = await fixture.InstallAsync();

        var run = await install.Playbook.RunAsync(Host, Ct, new { gatectl_mode = "timer" });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(run.RecapOf(Host).Changed > 0, run.ToString());
        var enabled = new UnitEnablement(install.Playbook.InstallRoot);
        Assert.True(enabled.IsEnabled("timers.target", "gatectl-reconcile.timer"), run.ToString());
        Assert.False(enabled.IsEnabled("multi-user.target", "gatectl.service"), run.ToString());
    }

    [Fact]
    public async Task A_given_state_file_is_installed_byte_for_byte()
    {
        var install = await fixture.InstallAsync();
        // The same state with other comments: the host's gates stay as they are for the other tests.
        var given = Path.Combine(install.Playbook.InstallRoot, "..", "given-state.yaml");
        var text = "# Written by hand, copied as is.\n" + Encoding.UTF8.GetString(install.RenderedState) + "\n# (the end)\n";
        await File.WriteAllTextAsync(given, text, Ct);

        var run = await install.Playbook.RunAsync(Host, Ct, new { gatectl_state_src = given });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(await File.ReadAllBytesAsync(given, Ct), await File.ReadAllBytesAsync(install.StateFile, Ct));
    }

    [Fact]
    public async Task A_gate_with_a_soracom_source_gets_the_credentials_file_and_the_api_drop_ins()
    {
        var install = await fixture.InstallAsync();
        var installed = install.SoracomAfterFirstRun;

        Assert.True(install.FirstRun.RecapOf(GatectlRoleFixture.SoracomHost) is { Changed: > 0, Failed: 0 }, install.FirstRun.ToString());
        // The file gatectl reads: JSON with the key's id and secret, mode 0600 (gatectl refuses a broader one).
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, installed.CredentialsMode);
        using (var json = JsonDocument.Parse(installed.Credentials!))
        {
            Assert.Equal(GatectlRoleFixture.AuthKeyId, json.RootElement.GetProperty("authKeyId").GetString());
            Assert.Equal(GatectlRoleFixture.AuthKey, json.RootElement.GetProperty("authKey").GetString());
        }

        // gatectl's own reader accepts it (a copy: another test of this class removes the installed file).
        var copy = Path.Combine(install.Playbook.InstallRoot, "..", "soracom-copy.json");
        await File.WriteAllBytesAsync(copy, installed.Credentials!, Ct);
        File.SetUnixFileMode(copy, installed.CredentialsMode!.Value);
        var key = CredentialsReader.Read(new SoracomCredentialsSource(copy, false));
        Assert.Equal(new AuthKey(GatectlRoleFixture.AuthKeyId, GatectlRoleFixture.AuthKey), key);
        // Both services that call the API (the daemon, the timer's one-shot apply) get the repository's drop-in.
        Assert.Equal(await File.ReadAllBytesAsync(SourceTree.PathOf("systemd", "gatectl.service.d", "soracom-api.conf"), Ct), installed.DaemonDropIn);
        Assert.Equal(await File.ReadAllBytesAsync(SourceTree.PathOf("systemd", "gatectl-reconcile.service.d", "soracom-api.conf"), Ct), installed.ReconcileDropIn);
        // Its `health` block: the daemon's health drop-in, the repository's lines under the managed mark, then IP
        // traffic allowed to the gate's device subnet alone (the network of its address 198.18.0.10/15).
        var health = Encoding.UTF8.GetString(installed.HealthDropIn!);
        var repository = await File.ReadAllTextAsync(SourceTree.PathOf("systemd", "gatectl.service.d", "health.conf"), Ct);
        Assert.StartsWith("# ", health, StringComparison.Ordinal);
        Assert.Equal(repository + $"# gate testgate ({GatectlRoleFixture.Interface})\nIPAddressAllow=198.18.0.0/15\n", health[(health.IndexOf('\n', StringComparison.Ordinal) + 1)..]);
    }

    [Fact]
    public async Task A_gate_with_health_gets_root_s_group_into_the_ping_range_with_the_range_it_replaced_recorded()
    {
        var install = await fixture.InstallAsync();
        var installed = install.SoracomAfterFirstRun;

        // A new namespace starts at the kernel's "1 0" (no group), as Debian 12 leaves the host: the role widened it
        // to root's group alone, in the file and at run time, and recorded what it replaced.
        var sysctl = Encoding.UTF8.GetString(Assert.IsType<byte[]>(installed.PingSysctl));
        Assert.EndsWith("# gatectl: was 1 0\nnet.ipv4.ping_group_range = 0 0\n", sysctl, StringComparison.Ordinal);
        Assert.Equal("0 0", installed.PingGroupRange);
        // peer-a's gate has no health block: no file in its root (its runs beside never took the range back either).
        Assert.False(File.Exists(SoracomSnapshot.PingSysctlPath(install.Playbook.InstallRoot)));
        Assert.Equal("0 0", install.SoracomAfterSecondRun.PingGroupRange);
    }

    [Fact]
    public async Task The_soracom_source_is_rendered_into_a_state_gatectl_validates()
    {
        var install = await fixture.InstallAsync();

        var read = StateFile.Parse(Encoding.UTF8.GetString(install.SoracomAfterFirstRun.State!), "state.yaml");

        Assert.True(read.IsValid, string.Join('\n', read.Errors));
        var gate = Assert.Single(read.State!.Gates);
        Assert.Empty(gate.Endpoints);
        var soracom = gate.Soracom!;
        Assert.Equal(GatectlRoleFixture.VpgId, soracom.VpgId);
        Assert.Equal(SoracomCoverage.Jp, soracom.Coverage);
        Assert.Equal(new SoracomCredentialsSource("/etc/gatectl/soracom.json", false), soracom.Credentials);
        Assert.Equal(new Uri(GatectlRoleFixture.SoracomApiUrl), soracom.ApiUrl);
        Assert.Equal(TimeSpan.FromSeconds(2), soracom.Timeout);
        Assert.True(soracom.Register);
    }

    [Fact]
    public async Task A_second_run_and_a_check_run_of_the_soracom_host_change_nothing()
    {
        var install = await fixture.InstallAsync();
        const string host = GatectlRoleFixture.SoracomHost;

        Assert.True(install.SecondRun.RecapOf(host) is { Changed: 0, Failed: 0 }, install.SecondRun.ToString());
        Assert.Equal(install.SoracomAfterFirstRun, install.SoracomAfterSecondRun, SnapshotBytes.Instance);
        Assert.True(install.CheckRun.RecapOf(host) is { Changed: 0, Failed: 0 }, install.CheckRun.ToString());
    }

    [Fact]
    public async Task The_auth_key_secret_never_appears_in_the_output()
    {
        var install = await fixture.InstallAsync();

        // The first run writes the file with --diff -v (a diff or a result would show it); the check run has --diff too.
        Assert.Equal("changed", install.FirstRun.ResultOf("Write the SORACOM credentials file", GatectlRoleFixture.SoracomHost).Status);
        foreach (var run in new[] { install.FirstRun, install.SecondRun, install.CheckRun })
        {
            Assert.DoesNotContain(GatectlRoleFixture.AuthKey, run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Removing_the_soracom_source_and_health_block_removes_their_drop_ins_the_credentials_file_and_the_ping_range_change()
    {
        var install = await fixture.InstallAsync();
        var gates = new[]
        {
            new { name = "testgate", @interface = GatectlRoleFixture.Interface, vni = 10, underlay = GatectlRoleFixture.Underlay, endpoints = GatectlRoleFixture.Endpoints },
        };

        var run = await install.Playbook.RunAsync(GatectlRoleFixture.SoracomHost, Ct, new { gatectl_gates = gates }, check: false);
        var after = await SoracomSnapshot.TakeAsync(install.SoracomRoot, install.Playbook);

        Assert.True(run.RecapOf(GatectlRoleFixture.SoracomHost) is { Changed: > 0, Failed: 0 }, run.ToString());
        Assert.Null(after.DaemonDropIn);
        Assert.Null(after.ReconcileDropIn);
        Assert.Null(after.HealthDropIn);
        Assert.Null(after.Credentials);
        // No gate probes any more: the role's sysctl file goes and the range it replaced is back.
        Assert.Null(after.PingSysctl);
        Assert.Equal("1 0", after.PingGroupRange);
        Assert.DoesNotContain("soracom:", Encoding.UTF8.GetString(after.State!), StringComparison.Ordinal);
        Assert.DoesNotContain(GatectlRoleFixture.AuthKey, run.Output, StringComparison.Ordinal);
    }

    /// <summary>Compares snapshots by the bytes of their files.</summary>
    private sealed class SnapshotBytes : IEqualityComparer<SoracomSnapshot>
    {
        public static readonly SnapshotBytes Instance = new();

        public bool Equals(SoracomSnapshot? x, SoracomSnapshot? y) =>
            x is not null && y is not null
            && Same(x.State, y.State) && Same(x.Credentials, y.Credentials) && x.CredentialsMode == y.CredentialsMode
            && Same(x.DaemonDropIn, y.DaemonDropIn) && Same(x.ReconcileDropIn, y.ReconcileDropIn) && Same(x.HealthDropIn, y.HealthDropIn)
            && Same(x.PingSysctl, y.PingSysctl) && x.PingGroupRange == y.PingGroupRange;

        public int GetHashCode(SoracomSnapshot obj) => 0;

        private static bool Same(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
    }
}
