using System.Security.Cryptography;
using System.Text.RegularExpressions;
using CliWrap.Buffered;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Systemd;

/// <summary>
/// The role as a fleet user adopts it: the archive <c>./dev.sh role</c> builds, installed by <c>ansible-galaxy</c> into an
/// empty directory (nothing of this repository around it), run inside a real systemd machine with a local connection.
/// Daemon mode, then timer mode, each twice (the second run changes nothing), then <c>gatectl_state: absent</c>;
/// then the same role installing gatectl's Debian package instead of the binary, twice, and removing it. The gate is one
/// of an HA pair, so the role also runs keepalived (Debian's package) with the config gatectl renders.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class StandaloneRoleInMachineTests
{
    private const string Underlay = "u0";
    private const string Local = "192.0.2.10";
    private const string Endpoint = "203.0.113.4";
    private const string Gate = "gate0";
    private const string VirtualAddress = "198.18.0.250";
    private const string PingSysctlFile = "/etc/sysctl.d/60-gatectl-ping.conf";
    // A hang bound, not a speed check: a playbook run takes 20-60 s alone, several times that beside the rest of the suite on 2 CPUs.
    private static readonly TimeSpan PlaybookTimeout = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task The_role_installed_from_its_archive_runs_the_daemon_then_the_timer_then_removes_everything()
    {
        SystemdMachine.RequirePrograms();
        Prerequisites.RequireCommand("ansible-galaxy", "ansible-core");
        var binary = SourceTree.PathOf("out", "gatectl");
        Prerequisites.Require(File.Exists(binary), $"needs the native binary {binary} (./dev.sh publish builds it)");
        var archive = await BuildRoleArchiveAsync();

        // The machine writes its namespace's net sysctls as a host does (the role sets net.ipv4.ping_group_range).
        await using var machine = await SystemdMachine.BootAsync(new SystemdMachineOptions { WritableNetworkSysctls = true });
        Assert.Equal("1 0", await PingGroupRangeAsync(machine));
        await machine.Namespace.IpAsync("link", "add", Underlay, "type", "veth", "peer", "name", Underlay + "p");
        await machine.Namespace.IpAsync("address", "add", Local + "/24", "dev", Underlay);
        await machine.Namespace.IpAsync("link", "set", Underlay, "up");
        await machine.Namespace.IpAsync("link", "set", Underlay + "p", "up");

        // The playbook directory is empty but for what ansible-galaxy installs into it, the binary and the playbook.
        var project = machine.ShareDirectory;
        var install = await CliWrap.Cli.Wrap("ansible-galaxy")
            .WithArguments(["role", "install", "-p", Path.Combine(project, "roles"), archive + ",,gatectl"])
            .WithEnvironmentVariables(new Dictionary<string, string?> { ["ANSIBLE_HOME"] = Path.Combine(project, ".ansible-home") })
            .WithValidation(CliWrap.CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);
        Assert.True(install.ExitCode == 0, $"ansible-galaxy exited {install.ExitCode}: {install.StandardOutput}{install.StandardError}");
        Assert.True(File.Exists(Path.Combine(project, "roles", "gatectl", "files", "systemd", "gatectl.service")), install.StandardOutput);
        File.Copy(binary, Path.Combine(project, "gatectl"));
        await File.WriteAllTextAsync(Path.Combine(project, "site.yml"), Playbook(await Sha256Async(binary)), TestContext.Current.CancellationToken);

        var daemon = await PlaybookAsync(machine, "daemon", "present");
        Assert.Equal("active", await ActiveAsync(machine, "gatectl.service"));
        Assert.Equal("enabled", await EnabledAsync(machine, "gatectl.service"));
        await WaitForGateAsync(machine, present: true);
        // The gate has an ha block: keepalived runs the config gatectl rendered and, with no other peer answering,
        // becomes master and puts the virtual address on the gate.
        Assert.Equal("active", await ActiveAsync(machine, "keepalived.service"));
        Assert.Contains("vrrp_instance gatectl_soracom", await machine.ReadFileAsync("/etc/keepalived/keepalived.conf"), StringComparison.Ordinal);
        Assert.True(await Poll.UntilAsync(async () => (await machine.RunCheckedAsync("ip", "-o", "address", "show", "dev", Gate)).Contains(VirtualAddress + "/15", StringComparison.Ordinal), TimeSpan.FromSeconds(20)),
            $"keepalived never put {VirtualAddress} on {Gate}; journal:\n{await machine.JournalAsync("keepalived")}");
        await AssertHealthDropInAsync(machine);
        var daemonAgain = await PlaybookAsync(machine, "daemon", "present");

        var timer = await PlaybookAsync(machine, "timer", "present");
        Assert.Equal("inactive", await ActiveAsync(machine, "gatectl.service"));
        Assert.Equal("disabled", await EnabledAsync(machine, "gatectl.service"));
        Assert.Equal("active", await ActiveAsync(machine, "gatectl-reconcile.timer"));
        Assert.Equal("enabled", await EnabledAsync(machine, "gatectl-reconcile.timer"));
        await machine.RunCheckedAsync("bridge", "fdb", "del", "00:00:00:00:00:00", "dev", Gate, "dst", Endpoint, "self");
        await machine.RunCheckedAsync("systemctl", "start", "gatectl-reconcile.service");
        Assert.Equal("success", await machine.PropertyAsync("gatectl-reconcile.service", "Result"));
        Assert.Contains($"dst {Endpoint}", await FdbAsync(machine), StringComparison.Ordinal);
        var timerAgain = await PlaybookAsync(machine, "timer", "present");

        var removal = await PlaybookAsync(machine, "timer", "absent");

        Assert.Equal((0, 0), (Changed(daemonAgain), Changed(timerAgain)));
        Assert.True(Changed(daemon) > 0 && Changed(timer) > 0 && Changed(removal) > 0,
            $"the first run of each mode changed nothing?\n{daemon}\n{timer}\n{removal}");
        await WaitForGateAsync(machine, present: false);
        Assert.Equal("not-found", await machine.PropertyAsync("gatectl.service", "LoadState"));
        Assert.Equal("inactive", await ActiveAsync(machine, "keepalived.service"));
        Assert.NotEqual(0, (await machine.RunAsync(["test", "-e", "/etc/keepalived/keepalived.conf"])).ExitCode);
        Assert.Equal("not-found", await machine.PropertyAsync("gatectl-reconcile.timer", "LoadState"));
        Assert.Equal("1 0", await PingGroupRangeAsync(machine));
        foreach (var path in new[] { "/usr/local/bin/gatectl", "/etc/gatectl", "/etc/systemd/system/gatectl.service.d", "/var/cache/gatectl", PingSysctlFile })
        {
            Assert.NotEqual(0, (await machine.RunAsync(["test", "-e", path])).ExitCode);
        }

        // The underlay the host had is the host's: removal took only what gatectl made.
        Assert.Contains($"{Local}/24", await machine.RunCheckedAsync("ip", "-o", "address", "show", "dev", Underlay), StringComparison.Ordinal);

        // From the package: the host image's policy-rc.d (a container image's) forbids service actions during apt;
        // a real host has none. Removed inside the machine's overlay only.
        await machine.RunCheckedAsync("rm", "-f", "/usr/sbin/policy-rc.d");
        var deb = await Packaging.DebianPackages.BuildAsync();
        File.Copy(deb, Path.Combine(project, "gatectl.deb"));
        string[] fromPackage = ["gatectl_install_from=package", $"gatectl_package_src={SystemdMachine.ShareMount}/gatectl.deb", $"gatectl_package_sha256={await Sha256Async(deb)}"];
        var package = await PlaybookAsync(machine, "daemon", "present", fromPackage);
        Assert.Equal("install ok installed", (await machine.RunCheckedAsync("dpkg-query", "--show", "--showformat=${Status}", "gatectl")).Trim());
        Assert.Equal("/lib/systemd/system/gatectl.service", await machine.PropertyAsync("gatectl.service", "FragmentPath"));
        Assert.Equal("active", await ActiveAsync(machine, "gatectl.service"));
        Assert.Equal("enabled", await EnabledAsync(machine, "gatectl.service"));
        Assert.NotEqual(0, (await machine.RunAsync(["test", "-e", "/etc/systemd/system/gatectl.service"])).ExitCode);
        await WaitForGateAsync(machine, present: true);
        await AssertHealthDropInAsync(machine);
        var packageAgain = await PlaybookAsync(machine, "daemon", "present", fromPackage);
        var packageRemoval = await PlaybookAsync(machine, "daemon", "absent", fromPackage);

        Assert.True(Changed(package) > 0 && Changed(packageRemoval) > 0, $"the package install or its removal changed nothing?\n{package}\n{packageRemoval}");
        Assert.Equal(0, Changed(packageAgain));
        await WaitForGateAsync(machine, present: false);
        var purged = await machine.RunAsync(["dpkg-query", "--show", "--showformat=${db:Status-Status}", "gatectl"]);
        Assert.True(purged.ExitCode != 0 || purged.StandardOutput.Trim() == "not-installed", $"gatectl is still known to dpkg: {purged.StandardOutput}");
        Assert.NotEqual(0, (await machine.RunAsync(["test", "-e", "/usr/bin/gatectl"])).ExitCode);
        Assert.NotEqual(0, (await machine.RunAsync(["test", "-e", "/etc/gatectl"])).ExitCode);
        Assert.NotEqual(0, (await machine.RunAsync(["test", "-e", PingSysctlFile])).ExitCode);
        Assert.Equal("1 0", await PingGroupRangeAsync(machine));
    }

    private static string Playbook(string sha256) => $$"""
        - name: A Gate Peer
          hosts: localhost
          connection: local
          gather_facts: false
          vars:
            gatectl_binary_src: {{SystemdMachine.ShareMount}}/gatectl
            gatectl_binary_sha256: {{sha256}}
            gatectl_outer_ip: {{Local}}
            gatectl_inner_address: 198.18.0.10/15
            gatectl_host: {backend: netlink}
            gatectl_gates:
              - name: soracom
                interface: {{Gate}}
                vni: 10
                underlay: {{Underlay}}
                endpoints: [{{Endpoint}}]
                ha: {virtualAddress: {{VirtualAddress}}/15, routerId: 51, priority: 150, peers: [198.18.0.11]}
                # Nothing answers there: three probes 5 s apart without a reply make it "down".
                health: {interval: 5s, timeout: 1s, targets: [198.18.0.11]}
          roles:
            - role: gatectl
        """;

    /// <summary>Runs the playbook inside the machine (local connection) and returns its output; fails the test when it fails.</summary>
    private static async Task<string> PlaybookAsync(SystemdMachine machine, string mode, string state, IEnumerable<string>? extraVars = null)
    {
        var result = await machine.RunAsync(
            [
                "env", "HOME=/root", "ANSIBLE_ROLES_PATH=" + SystemdMachine.ShareMount + "/roles", "ANSIBLE_NOCOLOR=1",
                "ansible-playbook", "-i", "localhost,", SystemdMachine.ShareMount + "/site.yml",
                "-e", "ansible_python_interpreter=/usr/bin/python3",
                "-e", $"gatectl_mode={mode}", "-e", $"gatectl_state={state}",
                .. (extraVars ?? []).SelectMany(v => new[] { "-e", v }),
            ],
            PlaybookTimeout);
        var output = result.StandardOutput + result.StandardError;
        TestContext.Current.TestOutputHelper?.WriteLine($"ansible-playbook {mode} {state}: {result.RunTime.TotalSeconds:F1} s");
        Assert.True(result.ExitCode == 0, $"ansible-playbook ({mode}, {state}) exited {result.ExitCode}:\n{output}");
        return output;
    }

    /// <summary>
    /// The gate's health block: the role rendered gatectl.service's drop-in health.conf, and the running daemon has IPv4
    /// sockets and IP traffic to the gate's device subnet alone. The machine's namespace started at the kernel's
    /// net.ipv4.ping_group_range "1 0" (Debian 12 sets none): the role widened it to root's group, in its sysctl.d file
    /// and at run time, so the daemon's ping socket is allowed and the silent target goes down (not unavailable).
    /// </summary>
    private static async Task AssertHealthDropInAsync(SystemdMachine machine)
    {
        Assert.Contains("IPAddressAllow=198.18.0.0/15", await machine.ReadFileAsync("/etc/systemd/system/gatectl.service.d/health.conf"), StringComparison.Ordinal);
        Assert.Equal("198.18.0.0/15", await machine.PropertyAsync("gatectl.service", "IPAddressAllow"));
        Assert.Equal("AF_INET AF_NETLINK AF_UNIX", await machine.PropertyAsync("gatectl.service", "RestrictAddressFamilies"));
        Assert.EndsWith("# gatectl: was 1 0\nnet.ipv4.ping_group_range = 0 0\n", await machine.ReadFileAsync(PingSysctlFile), StringComparison.Ordinal);
        Assert.Equal("0 0", await PingGroupRangeAsync(machine));
        string status = "";
        var down = await Poll.UntilAsync(async () => (status = (await machine.RunAsync(["gatectl", "status"])).StandardOutput)
            .Contains("198.18.0.11  DOWN", StringComparison.Ordinal), TimeSpan.FromSeconds(45));
        Assert.True(down, $"gatectl status never showed 198.18.0.11 DOWN:\n{status}\n{await machine.JournalAsync("gatectl")}");
        Assert.DoesNotContain("ping_group_range", status, StringComparison.Ordinal);
    }

    /// <summary>net.ipv4.ping_group_range as the machine sees it, "low high".</summary>
    private static async Task<string> PingGroupRangeAsync(SystemdMachine machine) =>
        (await machine.ReadFileAsync("/proc/sys/net/ipv4/ping_group_range")).Trim().Replace('\t', ' ');

    /// <summary>The changed count of the play recap.</summary>
    private static int Changed(string output)
    {
        var recap = RecapChanged().Match(output);
        Assert.True(recap.Success, $"no play recap in:\n{output}");
        return int.Parse(recap.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string> ActiveAsync(SystemdMachine machine, string unit) =>
        (await machine.RunAsync(["systemctl", "is-active", unit])).StandardOutput.Trim();

    private static async Task<string> EnabledAsync(SystemdMachine machine, string unit) =>
        (await machine.RunAsync(["systemctl", "is-enabled", unit])).StandardOutput.Trim();

    private static async Task<string> FdbAsync(SystemdMachine machine)
    {
        var result = await machine.RunAsync(["bridge", "fdb", "show", "dev", Gate]);
        return result.ExitCode == 0 ? result.StandardOutput : "";
    }

    private static async Task WaitForGateAsync(SystemdMachine machine, bool present)
    {
        var reached = await Poll.UntilAsync(async () => (await FdbAsync(machine)).Contains($"dst {Endpoint}", StringComparison.Ordinal) == present, TimeSpan.FromSeconds(20));
        Assert.True(reached, $"gate {Gate} {(present ? "never came up" : "is still there")}; journal:\n{await machine.JournalAsync("gatectl")}");
    }

    /// <summary>Runs <c>./dev.sh role</c> and returns the archive it wrote.</summary>
    private static async Task<string> BuildRoleArchiveAsync()
    {
        var result = await CliWrap.Cli.Wrap("bash")
            .WithArguments([SourceTree.PathOf("dev.sh"), "role"])
            .WithWorkingDirectory(SourceTree.Root)
            .WithValidation(CliWrap.CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, $"./dev.sh role exited {result.ExitCode}: {result.StandardError}");
        var archive = SourceTree.PathOf(result.StandardOutput.Trim());
        Assert.Matches(@"dist/gatectl-role-\d+\.\d+\.\d+\.tar\.gz$", archive);
        return archive;
    }

    private static async Task<string> Sha256Async(string path)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
    }

    [GeneratedRegex(@"localhost\s+:\s+ok=\d+\s+changed=(\d+)")]
    private static partial Regex RecapChanged();
}
