using System.Security.Cryptography;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Ansible;

/// <summary>
/// The gatectl role run for real, once for all tests of a class: the native gatectl binary (out/gatectl, as releases ship it), a network namespace
/// with the underlay (so `gatectl plan` and `apply` work on a kernel of the test's own), and the example playbook run
/// into a staging root under a temporary directory. ansible-playbook is slow, so the runs are few and carry several
/// hosts each (all local, all on the same root and namespace), one per scenario:
/// <list type="number">
/// <item>peer-a alone, beside peer-soracom (a gate with a SORACOM API source, in a staging root of its own): the first install;</item>
/// <item>peer-a and peer-soracom again (must change nothing) beside the refused-* hosts, each with one thing wrong;</item>
/// <item>after `gatectl apply` of the installed state: --check for peer-a (in sync), check-new-endpoint and peer-soracom.</item>
/// </list>
/// </summary>
public sealed class GatectlRoleFixture : IAsyncDisposable
{
    /// <summary>The inventory host that installs gatectl.</summary>
    public const string Host = "peer-a";

    /// <summary>A host whose variables fail the role's argument_specs.</summary>
    public const string RefusedVariables = "refused-variables";

    /// <summary>A host whose rendered state fails `gatectl validate`.</summary>
    public const string RefusedState = "refused-state";

    /// <summary>A host whose binary on the controller does not match its SHA-256.</summary>
    public const string RefusedBinarySource = "refused-binary-src";

    /// <summary>A host whose downloaded binary does not match its SHA-256.</summary>
    public const string RefusedBinaryUrl = "refused-binary-url";

    /// <summary>A host whose state adds <see cref="NewEndpoint"/> to peer-a's (check mode only).</summary>
    public const string CheckNewEndpoint = "check-new-endpoint";

    /// <summary>The endpoint only <see cref="CheckNewEndpoint"/> has.</summary>
    public const string NewEndpoint = "203.0.113.200";

    /// <summary>
    /// A host whose gate reads its endpoints from the SORACOM API (credentials in the file the role writes). Its own
    /// staging root (<see cref="RoleInstall.SoracomRoot"/>), so peer-a's install stays as it is; its check runs make
    /// no plan (that would call the API, which `gatectl validate` never does).
    /// </summary>
    public const string SoracomHost = "peer-soracom";

    /// <summary>The VPG the SORACOM host's gate reads.</summary>
    public const string VpgId = "vpg-gcttest";

    /// <summary>The API base URL of the SORACOM host's gate: a TEST-NET address nothing here ever calls.</summary>
    public const string SoracomApiUrl = "http://192.0.2.1:18080";

    /// <summary>The auth key id given to the role.</summary>
    public const string AuthKeyId = "keyId-gctAnsibleTestId";

    /// <summary>The auth key secret given to the role: it must appear in no output of ansible-playbook.</summary>
    public const string AuthKey = "secret-gctAnsibleTestNeverPrinted";

    /// <summary>The host's outer IP, set as its gatectl_outer_ip and on the namespace's underlay.</summary>
    public const string OuterIp = "192.0.2.10";

    /// <summary>The host's inner address, its gatectl_inner_address.</summary>
    public const string InnerAddress = "198.18.0.10/15";

    /// <summary>The other fleet member, never contacted: the gate's peersFromGroup makes it a peer.</summary>
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

    /// <summary>The SHA-256 the refused-binary hosts are given.</summary>
    public static readonly string WrongSha256 = new('0', 64);

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
        Prerequisites.Require(File.Exists(NativeBinary), $"needs the native binary {NativeBinary} (./dev.sh publish builds it)");
        return _install.Value;
    }

    private async Task<RoleInstall> InstallOnceAsync()
    {
        _workDir = Directory.CreateTempSubdirectory("gct-ansible-").FullName;
        var binary = await CopyNativeBinaryAsync(Path.Combine(_workDir, "release"));
        var impostor = Path.Combine(_workDir, "not-gatectl");
        await File.WriteAllTextAsync(impostor, "#!/bin/sh\nexit 0\n");

        _namespace = await TestNamespace.CreateAsync("ans");
        // A veth pair stands in for the host's uplink (not every kernel here has the dummy driver).
        await _namespace.IpAsync("link", "add", Underlay, "type", "veth", "peer", "name", $"{Underlay}p");
        await _namespace.IpAsync("addr", "add", $"{OuterIp}/24", "dev", Underlay);
        await _namespace.IpAsync("link", "set", $"{Underlay}p", "up");
        await _namespace.IpAsync("link", "set", Underlay, "up");

        var playbook = new RolePlaybook(SourceTree.Root, _workDir, _namespace.Name);
        await File.WriteAllTextAsync(playbook.InventoryPath, Inventory(playbook.InstallRoot, binary.Path, binary.Sha256, impostor));
        var statePath = playbook.Staged("/etc/gatectl/state.yaml");
        var binaryPath = playbook.Staged(BinDir, "gatectl");

        // Verbose, with diffs: the credentials file is written in this run, and its secret must not show.
        var first = await playbook.RunAsync($"{Host},{SoracomHost}", CancellationToken.None, verbose: true);
        var enabled = new UnitEnablement(playbook.InstallRoot);
        var daemonEnabled = enabled.IsEnabled("multi-user.target", "gatectl.service");
        var timerEnabled = enabled.IsEnabled("timers.target", "gatectl-reconcile.timer");
        var rendered = await File.ReadAllBytesAsync(statePath);
        var soracomFirst = await SoracomSnapshot.TakeAsync(SoracomRoot(_workDir), playbook);

        var second = await playbook.RunAsync($"{Host},refused-*,{SoracomHost}", CancellationToken.None);
        var afterSecond = new Snapshot(await File.ReadAllBytesAsync(statePath), await Sha256Async(binaryPath));
        var soracomSecond = await SoracomSnapshot.TakeAsync(SoracomRoot(_workDir), playbook);

        // The host in sync with the installed state, as the daemon would keep it; then plans against it.
        var applied = await playbook.GatectlAsync(binaryPath, ["apply", statePath], CancellationToken.None);
        if (applied.ExitCode != 0)
        {
            throw new InvalidOperationException($"gatectl apply exited {applied.ExitCode}:\n{applied.StandardOutput}\n{applied.StandardError}");
        }

        var check = await playbook.RunAsync($"{Host},{CheckNewEndpoint},{SoracomHost}", CancellationToken.None, check: true);
        var afterCheck = new Snapshot(await File.ReadAllBytesAsync(statePath), await Sha256Async(binaryPath));
        var fdbAfterCheck = await _namespace.BridgeAsync("fdb", "show", "dev", Interface);

        return new RoleInstall(playbook, binary.Path, binary.Sha256, first, rendered, daemonEnabled, timerEnabled,
            second, afterSecond, check, afterCheck, fdbAfterCheck)
        {
            SoracomRoot = SoracomRoot(_workDir),
            SoracomAfterFirstRun = soracomFirst,
            SoracomAfterSecondRun = soracomSecond,
        };
    }

    /// <summary>The staging root of <see cref="SoracomHost"/>.</summary>
    private static string SoracomRoot(string workDir) => Path.Combine(workDir, "root-soracom");

    /// <summary>
    /// The test inventory. gate_peers (the example playbook's hosts) holds peer-a and one host per scenario, all local;
    /// fleet (the gate's peersFromGroup) holds peer-a and peer-b, so peer-a's only peer is peer-b.
    /// </summary>
    private static string Inventory(string installRoot, string binary, string sha256, string impostor) => $$"""
        all:
          vars:
            ansible_connection: local
            ansible_python_interpreter: /usr/bin/python3
            ansible_become: false
            gatectl_root: {{installRoot}}
            gatectl_bin_dir: {{BinDir}}
            gatectl_systemd_running: false
            gatectl_binary_src: {{binary}}
            gatectl_binary_sha256: "{{sha256}}"
            gatectl_outer_ip: {{OuterIp}}
            gatectl_inner_address: {{InnerAddress}}
            gatectl_host:
              backend: netlink
              reconcileInterval: 30s
            gatectl_gates:
              - name: testgate
                interface: {{Interface}}
                vni: 10
                underlay: {{Underlay}}
                endpoints: [{{string.Join(", ", Endpoints)}}]
                peersFromGroup: fleet
                # A fleet moving from the vendor's script; with no such device on the host it changes nothing.
                adopt: true
          children:
            gate_peers:
              hosts:
                {{Host}}:
                {{CheckNewEndpoint}}:
                  gatectl_gates:
                    - name: testgate
                      interface: {{Interface}}
                      vni: 10
                      underlay: {{Underlay}}
                      endpoints: [{{string.Join(", ", Endpoints)}}, {{NewEndpoint}}]
                      peers: [{outer: {{OtherOuterIp}}, inner: {{OtherInnerIp}}, name: {{OtherHost}}}]
                {{SoracomHost}}:
                  gatectl_root: {{installRoot}}-soracom
                  gatectl_check_plan: false
                  gatectl_soracom_auth_key_id: {{AuthKeyId}}
                  gatectl_soracom_auth_key: {{AuthKey}}
                  gatectl_gates:
                    - name: testgate
                      interface: {{Interface}}
                      vni: 10
                      underlay: {{Underlay}}
                      # No endpoints: they come from the API (`credentials` default to the role's file).
                      soracom: {vpgId: {{VpgId}}, coverage: jp, apiUrl: "{{SoracomApiUrl}}", timeout: 2s, register: true}
                      # Probes the inner addresses the API lists: the daemon gets the health drop-in for this device subnet.
                      health: {}
                {{RefusedVariables}}:
                  gatectl_mode: cron
                  gatectl_gates: [{name: testgate, interface: {{Interface}}, vni: ten, endpoint: {{Endpoints[0]}}}]
                {{RefusedState}}:
                  # Fine for argument_specs, not for gatectl: the VNI is out of range, an endpoint is this host.
                  gatectl_gates: [{name: testgate, interface: {{Interface}}, vni: 20000000, underlay: {{Underlay}}, endpoints: [{{OuterIp}}]}]
                {{RefusedBinarySource}}:
                  gatectl_binary_src: {{impostor}}
                  gatectl_binary_sha256: "{{WrongSha256}}"
                {{RefusedBinaryUrl}}:
                  gatectl_binary_src: ""
                  gatectl_binary_url: file://{{impostor}}
                  gatectl_binary_sha256: "{{WrongSha256}}"
            fleet:
              hosts:
                {{Host}}:
                {{OtherHost}}:
                  gatectl_outer_ip: {{OtherOuterIp}}
                  gatectl_inner_address: {{OtherInnerIp}}/15
        """;

    /// <summary>The binary the README installs and the role ships: the native one <c>./dev.sh publish</c> builds.</summary>
    private static string NativeBinary => SourceTree.PathOf("out", "gatectl");

    /// <summary>
    /// A copy of the native binary, the file a release hands the role (a copy: a later <c>./dev.sh publish</c> must not
    /// change it under the run).
    /// </summary>
    private static async Task<(string Path, string Sha256)> CopyNativeBinaryAsync(string outputDir)
    {
        var binary = Path.Combine(Directory.CreateDirectory(outputDir).FullName, "gatectl");
        File.Copy(NativeBinary, binary);
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

/// <summary>The installed state file's bytes and the installed binary's SHA-256 at one moment.</summary>
/// <param name="State">The state file, byte for byte.</param>
/// <param name="BinarySha256">The binary's SHA-256.</param>
public sealed record Snapshot(byte[] State, string BinarySha256);

/// <summary>What the fixture's runs did, and the playbook to run it again.</summary>
/// <param name="Playbook">Runs the example playbook against the same staging root and namespace.</param>
/// <param name="SourceBinary">The published gatectl the role installed.</param>
/// <param name="SourceSha256">Its SHA-256, as given to the role.</param>
/// <param name="FirstRun">The first run, into an empty root.</param>
/// <param name="RenderedState">The state file the first run installed.</param>
/// <param name="DaemonEnabled">Whether gatectl.service was enabled after the first run.</param>
/// <param name="TimerEnabled">Whether gatectl-reconcile.timer was enabled after the first run.</param>
/// <param name="SecondRun">The same again for peer-a, beside the refused-* hosts.</param>
/// <param name="AfterSecondRun">The install after the second run.</param>
/// <param name="CheckRun">The --check run of peer-a and check-new-endpoint, after `gatectl apply`.</param>
/// <param name="AfterCheckRun">The install after the check run.</param>
/// <param name="FdbAfterCheckRun">`bridge fdb show dev gctg0` in the namespace after the check run.</param>
public sealed record RoleInstall(
    RolePlaybook Playbook,
    string SourceBinary,
    string SourceSha256,
    PlaybookRun FirstRun,
    byte[] RenderedState,
    bool DaemonEnabled,
    bool TimerEnabled,
    PlaybookRun SecondRun,
    Snapshot AfterSecondRun,
    PlaybookRun CheckRun,
    Snapshot AfterCheckRun,
    string FdbAfterCheckRun)
{
    /// <summary>The installed gatectl, under the staging root.</summary>
    public string Binary => Playbook.Staged(GatectlRoleFixture.BinDir, "gatectl");

    /// <summary>The installed state file, under the staging root.</summary>
    public string StateFile => Playbook.Staged("/etc/gatectl/state.yaml");

    /// <summary>The unit directory, under the staging root.</summary>
    public string UnitDir => Playbook.Staged("/etc/systemd/system");

    /// <summary>The staging root of <see cref="GatectlRoleFixture.SoracomHost"/>.</summary>
    public required string SoracomRoot { get; init; }

    /// <summary>The SORACOM host's install after the first run.</summary>
    public required SoracomSnapshot SoracomAfterFirstRun { get; init; }

    /// <summary>The SORACOM host's install after the second run.</summary>
    public required SoracomSnapshot SoracomAfterSecondRun { get; init; }
}

/// <summary>What the role installed for a host with a SORACOM API source, at one moment (null: no such file).</summary>
/// <param name="State">The state file.</param>
/// <param name="Credentials">The credentials file /etc/gatectl/soracom.json.</param>
/// <param name="CredentialsMode">Its mode.</param>
/// <param name="DaemonDropIn">gatectl.service.d/soracom-api.conf.</param>
/// <param name="ReconcileDropIn">gatectl-reconcile.service.d/soracom-api.conf.</param>
/// <param name="HealthDropIn">gatectl.service.d/health.conf (the gate has a <c>health</c> block).</param>
/// <param name="PingSysctl">/etc/sysctl.d/60-gatectl-ping.conf (the gate's probes need root's group in the ping range).</param>
/// <param name="PingGroupRange">net.ipv4.ping_group_range in the namespace the role runs in ("1 0").</param>
public sealed record SoracomSnapshot(
    byte[]? State, byte[]? Credentials, UnixFileMode? CredentialsMode, byte[]? DaemonDropIn, byte[]? ReconcileDropIn, byte[]? HealthDropIn,
    byte[]? PingSysctl, string PingGroupRange)
{
    /// <summary>The role's ping sysctl file under a staging root.</summary>
    public static string PingSysctlPath(string root) => System.IO.Path.Combine(root, "etc/sysctl.d/60-gatectl-ping.conf");

    /// <summary>The credentials file under a staging root.</summary>
    public static string CredentialsPath(string root) => System.IO.Path.Combine(root, "etc/gatectl/soracom.json");

    /// <summary>A service's SORACOM drop-in under a staging root.</summary>
    public static string DropInPath(string root, string unit) => System.IO.Path.Combine(root, "etc/systemd/system", $"{unit}.d", "soracom-api.conf");

    /// <summary>Reads the files under <paramref name="root"/>, and the ping range of the namespace <paramref name="playbook"/> runs in.</summary>
    public static async Task<SoracomSnapshot> TakeAsync(string root, RolePlaybook playbook)
    {
        static async Task<byte[]?> Read(string path) => File.Exists(path) ? await File.ReadAllBytesAsync(path) : null;
        var credentials = CredentialsPath(root);
        return new SoracomSnapshot(
            await Read(System.IO.Path.Combine(root, "etc/gatectl/state.yaml")),
            await Read(credentials),
            File.Exists(credentials) && !OperatingSystem.IsWindows() ? File.GetUnixFileMode(credentials) : null,
            await Read(DropInPath(root, "gatectl.service")),
            await Read(DropInPath(root, "gatectl-reconcile.service")),
            await Read(System.IO.Path.Combine(root, "etc/systemd/system/gatectl.service.d/health.conf")),
            await Read(PingSysctlPath(root)),
            await playbook.PingGroupRangeAsync());
    }
}

/// <summary>Reads what `systemctl enable` left under a root: the [Install] symlink of a unit.</summary>
/// <param name="Root">The root whose /etc/systemd/system is read.</param>
public sealed record UnitEnablement(string Root)
{
    /// <summary>True when <paramref name="unit"/> is linked into <paramref name="target"/>'s wants.</summary>
    public bool IsEnabled(string target, string unit) =>
        new FileInfo(System.IO.Path.Combine(Root, "etc/systemd/system", $"{target}.wants", unit)).LinkTarget is not null;
}
