using System.Security.Cryptography;
using System.Text.RegularExpressions;
using CliWrap.Buffered;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Systemd;

/// <summary>
/// The role as a fleet user adopts it, for <see cref="StandaloneRoleInMachineTests"/> and
/// <see cref="StandaloneRolePackageInMachineTests"/>: the archive <c>./dev.sh role</c> builds, installed by
/// <c>ansible-galaxy</c> into an empty directory (nothing of this repository around it), run inside a real systemd
/// machine with a local connection. The gate is one of an HA pair, so the role also runs keepalived (Debian's package)
/// with the config gatectl renders, and it has a health block, so the role widens the ping group range.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static partial class StandaloneRole
{
    public const string Underlay = "u0";
    public const string Local = "192.0.2.10";
    public const string Endpoint = "203.0.113.4";
    public const string Gate = "gate0";
    public const string VirtualAddress = "198.18.0.250";
    public const string PingSysctlFile = "/etc/sysctl.d/60-gatectl-ping.conf";
    // A hang bound, not a speed check: a playbook run takes 20-60 s alone, several times that beside the rest of the suite on 2 CPUs.
    private static readonly TimeSpan PlaybookTimeout = TimeSpan.FromMinutes(6);
    private static readonly Lazy<Task<string>> Archive = new(RunDevShRoleAsync);

    /// <summary>
    /// Boots a machine whose namespace has the underlay and writes its net sysctls as a host does (the role sets
    /// net.ipv4.ping_group_range), then fills its share directory as a user's playbook directory: the role as
    /// ansible-galaxy installs it from the archive, the native binary and site.yml.
    /// </summary>
    public static async Task<SystemdMachine> BootWithRoleAsync()
    {
        SystemdMachine.RequirePrograms();
        Prerequisites.RequireCommand("ansible-galaxy", "ansible-core");
        var binary = SourceTree.PathOf("out", "gatectl");
        Prerequisites.Require(File.Exists(binary), $"needs the native binary {binary} (./dev.sh publish builds it)");
        var archive = await BuildRoleArchiveAsync();

        var machine = await SystemdMachine.BootAsync(new SystemdMachineOptions { WritableNetworkSysctls = true });
        try
        {
            Assert.Equal("1 0", await PingGroupRangeAsync(machine));
            await machine.Namespace.IpAsync("link", "add", Underlay, "type", "veth", "peer", "name", Underlay + "p");
            await machine.Namespace.IpAsync("address", "add", Local + "/24", "dev", Underlay);
            await machine.Namespace.IpAsync("link", "set", Underlay, "up");
            await machine.Namespace.IpAsync("link", "set", Underlay + "p", "up");

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
            return machine;
        }
        catch
        {
            await machine.DisposeAsync();
            throw;
        }
    }

    /// <summary>Asserts the HA half of the gate: keepalived runs gatectl's config and, alone, puts the virtual address on the gate.</summary>
    public static async Task AssertKeepalivedMasterAsync(SystemdMachine machine)
    {
        Assert.Equal("active", await ActiveAsync(machine, "keepalived.service"));
        Assert.Contains("vrrp_instance gatectl_soracom", await machine.ReadFileAsync("/etc/keepalived/keepalived.conf"), StringComparison.Ordinal);
        Assert.True(await Poll.UntilAsync(async () => (await machine.RunCheckedAsync("ip", "-o", "address", "show", "dev", Gate)).Contains(VirtualAddress + "/15", StringComparison.Ordinal), TimeSpan.FromSeconds(20)),
            $"keepalived never put {VirtualAddress} on {Gate}; journal:\n{await machine.JournalAsync("keepalived")}");
    }

    public static string Playbook(string sha256) => $$"""
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
    public static async Task<string> PlaybookAsync(SystemdMachine machine, string mode, string state, IEnumerable<string>? extraVars = null)
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
    public static async Task AssertHealthDropInAsync(SystemdMachine machine)
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
    public static async Task<string> PingGroupRangeAsync(SystemdMachine machine) =>
        (await machine.ReadFileAsync("/proc/sys/net/ipv4/ping_group_range")).Trim().Replace('\t', ' ');

    /// <summary>The changed count of the play recap.</summary>
    public static int Changed(string output)
    {
        var recap = RecapChanged().Match(output);
        Assert.True(recap.Success, $"no play recap in:\n{output}");
        return int.Parse(recap.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<string> ActiveAsync(SystemdMachine machine, string unit) =>
        (await machine.RunAsync(["systemctl", "is-active", unit])).StandardOutput.Trim();

    public static async Task<string> EnabledAsync(SystemdMachine machine, string unit) =>
        (await machine.RunAsync(["systemctl", "is-enabled", unit])).StandardOutput.Trim();

    public static async Task<string> FdbAsync(SystemdMachine machine)
    {
        var result = await machine.RunAsync(["bridge", "fdb", "show", "dev", Gate]);
        return result.ExitCode == 0 ? result.StandardOutput : "";
    }

    public static async Task WaitForGateAsync(SystemdMachine machine, bool present)
    {
        var reached = await Poll.UntilAsync(async () => (await FdbAsync(machine)).Contains($"dst {Endpoint}", StringComparison.Ordinal) == present, TimeSpan.FromSeconds(20));
        Assert.True(reached, $"gate {Gate} {(present ? "never came up" : "is still there")}; journal:\n{await machine.JournalAsync("gatectl")}");
    }

    /// <summary>Runs <c>./dev.sh role</c> once for the test run (the classes run side by side) and returns the archive it wrote.</summary>
    private static Task<string> BuildRoleArchiveAsync() => Archive.Value;

    private static async Task<string> RunDevShRoleAsync()
    {
        var result = await CliWrap.Cli.Wrap("bash")
            .WithArguments([SourceTree.PathOf("dev.sh"), "role"])
            .WithWorkingDirectory(SourceTree.Root)
            .WithValidation(CliWrap.CommandResultValidation.None)
            .ExecuteBufferedAsync();
        Assert.True(result.ExitCode == 0, $"./dev.sh role exited {result.ExitCode}: {result.StandardError}");
        var archive = SourceTree.PathOf(result.StandardOutput.Trim());
        Assert.Matches(@"dist/gatectl-role-\d+\.\d+\.\d+\.tar\.gz$", archive);
        return archive;
    }

    public static async Task<string> Sha256Async(string path)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
    }

    [GeneratedRegex(@"localhost\s+:\s+ok=\d+\s+changed=(\d+)")]
    private static partial Regex RecapChanged();
}
