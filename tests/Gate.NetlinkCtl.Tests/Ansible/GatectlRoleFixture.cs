using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Ansible;

/// <summary>
/// The gatectl role installed for real, once for all tests of a class: gatectl published as one file, a network
/// namespace with the underlay (so `gatectl plan` sees a kernel of the test's own), an inventory of two peers, and
/// the example playbook run twice into a staging root under a temporary directory.
/// </summary>
public sealed class GatectlRoleFixture : IAsyncDisposable
{
    /// <summary>The inventory host the playbook runs on (ansible_connection local).</summary>
    public const string Host = "peer-a";

    /// <summary>The host's outer IP, set as its gatectl_outer_ip and on the namespace's underlay.</summary>
    public const string OuterIp = "192.0.2.10";

    /// <summary>The host's inner address, its gatectl_inner_address.</summary>
    public const string InnerAddress = "198.18.0.10/15";

    /// <summary>The other inventory host, never contacted: the gate's peersFromGroup makes it a peer.</summary>
    public const string OtherHost = "peer-b";

    /// <summary>The other host's outer IP.</summary>
    public const string OtherOuterIp = "198.51.100.11";

    /// <summary>The other host's inner IP.</summary>
    public const string OtherInnerIp = "198.18.0.11";

    /// <summary>The binary directory: not the one the shipped units name, so the role must add its path drop-ins.</summary>
    public const string BinDir = "/opt/gatectl/bin";

    /// <summary>The underlay device in the namespace.</summary>
    public const string Underlay = "gctu0";

    /// <summary>The gate's VXLAN device.</summary>
    public const string Interface = "gctg0";

    /// <summary>The VPG endpoints of the gate.</summary>
    public static IReadOnlyList<string> Endpoints { get; } = ["203.0.113.4", "203.0.113.132"];

    private readonly Lazy<Task<RoleInstall>> _install;
    private TestNamespace? _namespace;
    private string? _workDir;

    /// <summary>Prepares nothing yet: the first test that needs the install makes it.</summary>
    public GatectlRoleFixture() => _install = new(InstallOnceAsync);

    /// <summary>The install (made on first use); skips outside CI, fails in CI, when a prerequisite is missing.</summary>
    public Task<RoleInstall> InstallAsync()
    {
        Prerequisites.RequireRoot();
        Prerequisites.RequireCommand("ansible-playbook", "ansible-core");
        Prerequisites.RequireCommand("systemctl", "systemd");
        Prerequisites.RequireCommand("dotnet", "the .NET 10 SDK");
        return _install.Value;
    }

    private async Task<RoleInstall> InstallOnceAsync()
    {
        _workDir = Directory.CreateTempSubdirectory("gct-ansible-").FullName;
        var binary = await PublishGatectlAsync(Path.Combine(_workDir, "publish"));

        _namespace = await TestNamespace.CreateAsync("ans");
        // A veth pair stands in for the host's uplink (not every kernel here has the dummy driver).
        await _namespace.IpAsync("link", "add", Underlay, "type", "veth", "peer", "name", $"{Underlay}p");
        await _namespace.IpAsync("addr", "add", $"{OuterIp}/24", "dev", Underlay);
        await _namespace.IpAsync("link", "set", $"{Underlay}p", "up");
        await _namespace.IpAsync("link", "set", Underlay, "up");

        var playbook = new RolePlaybook(SourceTree.Root, _workDir, _namespace.Name, Host);
        await File.WriteAllTextAsync(playbook.InventoryPath, Inventory(playbook.InstallRoot, binary.Path, binary.Sha256));

        var first = await playbook.RunAsync(CancellationToken.None);
        var second = await playbook.RunAsync(CancellationToken.None);
        var enabled = new UnitEnablement(playbook.InstallRoot);
        var renderedState = await File.ReadAllTextAsync(playbook.Staged("/etc/gatectl/state.yaml"));
        return new RoleInstall(playbook, _namespace, binary.Path, binary.Sha256, first, second, renderedState,
            enabled.IsEnabled("multi-user.target", "gatectl.service"),
            enabled.IsEnabled("timers.target", "gatectl-reconcile.timer"));
    }

    /// <summary>The test inventory: the role's variables for a fleet of two, everything under the staging root.</summary>
    private static string Inventory(string installRoot, string binary, string sha256) => $"""
        gate_peers:
          hosts:
            {Host}:
              ansible_connection: local
              ansible_python_interpreter: /usr/bin/python3
              ansible_become: false
              gatectl_outer_ip: {OuterIp}
              gatectl_inner_address: {InnerAddress}
            {OtherHost}:
              gatectl_outer_ip: {OtherOuterIp}
              gatectl_inner_address: {OtherInnerIp}/15
          vars:
            gatectl_root: {installRoot}
            gatectl_bin_dir: {BinDir}
            gatectl_systemd_running: false
            gatectl_binary_src: {binary}
            gatectl_binary_sha256: {sha256}
            gatectl_host:
              backend: netlink
              reconcileInterval: 30s
            gatectl_gates:
              - name: testgate
                interface: {Interface}
                vni: 10
                underlay: {Underlay}
                endpoints: {JsonSerializer.Serialize(Endpoints)}
                peersFromGroup: gate_peers
        """;

    /// <summary>
    /// `dotnet publish` of the CLI as one framework-dependent file, in the configuration this test was built with,
    /// so the libraries are already built and only the CLI is bundled.
    /// </summary>
    private static async Task<(string Path, string Sha256)> PublishGatectlAsync(string outputDir)
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var project = SourceTree.PathOf("src", "Gate.NetlinkCtl.Cli", "Gate.NetlinkCtl.Cli.csproj");
        var result = await Cli.Wrap("dotnet")
            .WithArguments([
                "publish", project, "-c", configuration, "-r", RuntimeInformation.RuntimeIdentifier,
                "--self-contained", "false", "-p:PublishSingleFile=true", "-p:PublishAot=false",
                "-o", outputDir, "-nologo", "-v", "quiet",
            ])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish of gatectl exited {result.ExitCode}:\n{result.StandardOutput}\n{result.StandardError}");
        }

        var binary = Path.Combine(outputDir, "gatectl");
        return (binary, await Sha256Async(binary));
    }

    /// <summary>Lower-case hex SHA-256 of a file, as `sha256sum` prints it.</summary>
    public static async Task<string> Sha256Async(string path)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_namespace is not null)
        {
            await _namespace.DisposeAsync();
        }

        if (_workDir is not null)
        {
            Directory.Delete(_workDir, recursive: true);
        }
    }
}

/// <summary>The role installed by the fixture, and the playbook to run it again.</summary>
/// <param name="Playbook">Runs the example playbook against the same staging root and namespace.</param>
/// <param name="Namespace">The namespace the playbook runs in, with the underlay.</param>
/// <param name="SourceBinary">The published gatectl the role installed.</param>
/// <param name="SourceSha256">Its SHA-256, as given to the role.</param>
/// <param name="FirstRun">The first run, into an empty root.</param>
/// <param name="SecondRun">The same run again.</param>
/// <param name="RenderedState">The state file the two runs left (later tests may install others).</param>
/// <param name="DaemonEnabled">Whether gatectl.service was enabled after the two runs.</param>
/// <param name="TimerEnabled">Whether gatectl-reconcile.timer was enabled after the two runs.</param>
public sealed record RoleInstall(
    RolePlaybook Playbook,
    TestNamespace Namespace,
    string SourceBinary,
    string SourceSha256,
    PlaybookRun FirstRun,
    PlaybookRun SecondRun,
    string RenderedState,
    bool DaemonEnabled,
    bool TimerEnabled)
{
    /// <summary>The installed gatectl, under the staging root.</summary>
    public string Binary => Playbook.Staged(GatectlRoleFixture.BinDir, "gatectl");

    /// <summary>The installed state file, under the staging root.</summary>
    public string StateFile => Playbook.Staged("/etc/gatectl/state.yaml");

    /// <summary>The unit directory, under the staging root.</summary>
    public string UnitDir => Playbook.Staged("/etc/systemd/system");
}

/// <summary>Reads what `systemctl enable` left under a root: the [Install] symlink of a unit.</summary>
/// <param name="Root">The root whose /etc/systemd/system is read.</param>
public sealed record UnitEnablement(string Root)
{
    /// <summary>True when <paramref name="unit"/> is linked into <paramref name="target"/>'s wants.</summary>
    public bool IsEnabled(string target, string unit) =>
        new FileInfo(System.IO.Path.Combine(Root, "etc/systemd/system", $"{target}.wants", unit)).LinkTarget is not null;
}
