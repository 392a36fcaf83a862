using System.Net;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Ansible;

/// <summary>
/// The gatectl role, run for real with ansible-playbook (local connection) into a staging root and a namespace of
/// the test's own. Runs are slow, so the install is shared: each test adds at most one run, and tests that change
/// the install compare against what they saw just before their own run.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class GatectlRoleTests(GatectlRoleFixture fixture) : IClassFixture<GatectlRoleFixture>
{
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
        Assert.True(install.FirstRun.Recap.Changed > 0, install.FirstRun.ToString());
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

        Assert.True(install.SecondRun.ExitCode == 0, install.SecondRun.ToString());
        Assert.True(install.SecondRun.Recap is { Changed: 0, Failed: 0 }, install.SecondRun.ToString());
    }

    [Fact]
    public async Task The_rendered_state_is_valid_and_holds_this_hosts_addresses_and_the_fleet_as_peers()
    {
        var install = await fixture.InstallAsync();

        var read = StateFile.Parse(install.RenderedState, install.StateFile);

        Assert.True(read.IsValid, string.Join('\n', read.Errors));
        Assert.Equal(BackendKind.Netlink, read.State!.Host.Backend);
        Assert.Equal(TimeSpan.FromSeconds(30), read.State.Host.ReconcileInterval);
        var gate = Assert.Single(read.State.Gates);
        Assert.Equal(GatectlRoleFixture.Interface, gate.Interface);
        Assert.Equal(IPAddress.Parse(GatectlRoleFixture.OuterIp), gate.Local);
        Assert.Equal(GatectlRoleFixture.InnerAddress, gate.Address.ToString());
        Assert.Equal(GatectlRoleFixture.Endpoints, gate.Endpoints.Select(e => e.ToString()));
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
    public async Task Timer_mode_enables_the_timer_and_disables_the_daemon()
    {
        var install = await fixture.InstallAsync();

        var run = await install.Playbook.RunAsync(Ct, new { gatectl_mode = "timer" });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(run.Recap.Changed > 0, run.ToString());
        var enabled = new UnitEnablement(install.Playbook.InstallRoot);
        Assert.True(enabled.IsEnabled("timers.target", "gatectl-reconcile.timer"), run.ToString());
        Assert.False(enabled.IsEnabled("multi-user.target", "gatectl.service"), run.ToString());
    }

    [Fact]
    public async Task A_state_gatectl_refuses_never_replaces_the_installed_one()
    {
        var install = await fixture.InstallAsync();
        var before = await File.ReadAllBytesAsync(install.StateFile, Ct);

        // Valid for Ansible's argument_specs, invalid for gatectl: the VNI is out of range, an endpoint is this host.
        var run = await install.Playbook.RunAsync(Ct, new
        {
            gatectl_gates = new[]
            {
                new { name = "testgate", @interface = GatectlRoleFixture.Interface, vni = 20_000_000, underlay = GatectlRoleFixture.Underlay, endpoints = new[] { GatectlRoleFixture.OuterIp } },
            },
        });

        Assert.NotEqual(0, run.ExitCode);
        Assert.Equal(1, run.Recap.Failed);
        Assert.Contains("gates[0].vni: 20000000 is out of range", run.Output, StringComparison.Ordinal);
        Assert.Contains("gates[0].endpoints[0]: 192.0.2.10 is this gate's own local address", run.Output, StringComparison.Ordinal);
        Assert.Contains($"{install.StateFile} was left as it was", run.Output, StringComparison.Ordinal);
        // gatectl's line numbers point into a temporary file; the role prints the refused state with the same numbers.
        var line = Regex.Match(run.Output, @"new state:(\d+):\d+: gates\[0\]\.vni").Groups[1].Value;
        Assert.Contains($"\"{line}:     vni: 20000000\"", run.Output, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(install.StateFile, Ct));
    }

    [Fact]
    public async Task Wrong_variables_are_refused_by_the_argument_specs_before_any_task_runs()
    {
        var install = await fixture.InstallAsync();
        var before = await File.ReadAllBytesAsync(install.StateFile, Ct);

        var run = await install.Playbook.RunAsync(Ct, new
        {
            gatectl_mode = "cron",
            gatectl_gates = new[] { new { name = "testgate", @interface = GatectlRoleFixture.Interface, vni = "ten", endpoint = "203.0.113.4" } },
        });

        Assert.NotEqual(0, run.ExitCode);
        Assert.Equal(new PlayRecap(Ok: 0, Changed: 0, Unreachable: 0, Failed: 1, Skipped: 0, Rescued: 0, Ignored: 0), run.Recap);
        Assert.Contains("value of gatectl_mode must be one of: daemon, timer, got: cron", run.Output, StringComparison.Ordinal);
        Assert.Contains("argument 'vni' is of type <class 'str'> found in 'gatectl_gates'", run.Output, StringComparison.Ordinal);
        Assert.Contains("missing required arguments: underlay found in gatectl_gates", run.Output, StringComparison.Ordinal);
        Assert.Contains("gatectl_gates.endpoint. Supported parameters include:", run.Output, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(install.StateFile, Ct));
    }

    [Theory]
    [InlineData("gatectl_binary_src", "", "gatectl_binary_sha256 says 0000000000000000000000000000000000000000000000000000000000000000. Nothing was installed.")]
    [InlineData("gatectl_binary_url", "file://", "did not match 0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task A_binary_that_does_not_match_its_checksum_is_refused_and_the_installed_one_kept(string source, string scheme, string refusal)
    {
        var install = await fixture.InstallAsync();
        var impostor = Path.Combine(Path.GetDirectoryName(install.SourceBinary)!, "not-gatectl");
        await File.WriteAllTextAsync(impostor, "#!/bin/sh\nexit 0\n", Ct);

        var run = await install.Playbook.RunAsync(Ct, new Dictionary<string, string>
        {
            ["gatectl_binary_src"] = "",
            ["gatectl_binary_url"] = "",
            [source] = scheme + impostor,
            ["gatectl_binary_sha256"] = new string('0', 64),
        });

        Assert.NotEqual(0, run.ExitCode);
        Assert.Equal(1, run.Recap.Failed);
        Assert.Contains(refusal, run.Output, StringComparison.Ordinal);
        Assert.Equal(install.SourceSha256, await GatectlRoleFixture.Sha256Async(install.Binary));
    }

    [Fact]
    public async Task A_given_state_file_is_installed_byte_for_byte()
    {
        var install = await fixture.InstallAsync();
        // The same state with other comments: the host's gates stay as they are for the other tests.
        var given = Path.Combine(install.Playbook.InstallRoot, "..", "given-state.yaml");
        var text = "# Written by hand, copied as is.\n" + await File.ReadAllTextAsync(install.StateFile, Ct) + "\n# (the end)\n";
        await File.WriteAllTextAsync(given, text, Ct);

        var run = await install.Playbook.RunAsync(Ct, new { gatectl_state_src = given });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(await File.ReadAllBytesAsync(given, Ct), await File.ReadAllBytesAsync(install.StateFile, Ct));
    }

    [Fact]
    public async Task Check_mode_on_a_host_in_sync_reports_no_change()
    {
        var install = await fixture.InstallAsync();
        await ApplyInstalledStateAsync(install);

        var run = await install.Playbook.RunAsync(Ct, check: true);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(run.Recap is { Changed: 0, Failed: 0 }, run.ToString());
        Assert.Matches(@"TASK \[gatectl : Run gatectl plan[^\n]*\n+ok: \[peer-a\]", run.Output);
        Assert.Contains("in sync", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_mode_shows_what_gatectl_plan_would_change_and_changes_nothing()
    {
        const string newEndpoint = "203.0.113.200";
        var install = await fixture.InstallAsync();
        await ApplyInstalledStateAsync(install);
        var before = await File.ReadAllBytesAsync(install.StateFile, Ct);

        var run = await install.Playbook.RunAsync(Ct, new
        {
            gatectl_gates = new[]
            {
                new
                {
                    name = "testgate", @interface = GatectlRoleFixture.Interface, vni = 10, underlay = GatectlRoleFixture.Underlay,
                    endpoints = GatectlRoleFixture.Endpoints.Append(newEndpoint).ToArray(), peersFromGroup = "gate_peers",
                },
            },
        }, check: true);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"TASK \[gatectl : Run gatectl plan[^\n]*\n+changed: \[peer-a\]", run.Output);
        Assert.Contains($"dst {newEndpoint}", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain($"create {GatectlRoleFixture.Interface}", run.Output, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(install.StateFile, Ct));
        Assert.DoesNotContain(newEndpoint, await install.Namespace.BridgeAsync("fdb", "show", "dev", GatectlRoleFixture.Interface), StringComparison.Ordinal);
    }

    /// <summary>Brings the namespace in sync with the installed state, as the daemon would on a real host.</summary>
    private static async Task ApplyInstalledStateAsync(RoleInstall install)
    {
        var applied = await install.Playbook.GatectlAsync(install.Binary, ["apply", install.StateFile], Ct);
        Assert.True(applied.ExitCode == 0, $"gatectl apply exited {applied.ExitCode}:\n{applied.StandardOutput}\n{applied.StandardError}");
    }
}
