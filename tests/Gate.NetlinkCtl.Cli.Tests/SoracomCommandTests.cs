using System.Text.Json;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests;

/// <summary>
/// <c>gatectl soracom register|unregister</c> and the reconciling verbs with a SORACOM source, against a local API server:
/// registration is idempotent, diff reports stale endpoints, and the auth key never appears in any output.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SoracomCommandTests : IAsyncLifetime
{
    private readonly FakeSoracomApi _api = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("gatectl-soracom-cli").FullName;
    private TestNamespace? _ns;

    private string StateFile => Path.Combine(_directory, "state.yaml");

    private string CredentialsFile => Path.Combine(_directory, "soracom.json");

    private string State => new StateYaml
    {
        StateDirectory = $"{_directory}/state",
        Gates = [new GateYaml { Name = "soracom", Interface = "gate0", Soracom = new SoracomYaml(_api.VpgId, _api.BaseUrl, CredentialsFile) { Coverage = "jp" } }],
    }.ToString();

    public async ValueTask InitializeAsync()
    {
        _api.AddPeer("203.0.113.4", null, owned: false);
        _api.AddPeer("203.0.113.132", null, owned: false);
        await File.WriteAllTextAsync(CredentialsFile, $$"""{"authKeyId": "{{FakeSoracomApi.AuthKeyId}}", "authKey": "{{FakeSoracomApi.AuthKeySecret}}"}""");
        File.SetUnixFileMode(CredentialsFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(StateFile, State);
    }

    public async ValueTask DisposeAsync()
    {
        if (_ns is not null)
        {
            await _ns.DisposeAsync();
        }

        await _api.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Register_is_idempotent_and_unregister_removes_the_peer_once()
    {
        var first = Run("soracom", "register", StateFile);
        var second = Run("soracom", "register", StateFile);
        var json = Run("soracom", "register", StateFile, "--output", "json");
        var removed = Run("soracom", "unregister", StateFile);
        var again = Run("soracom", "unregister", StateFile);

        Assert.Equal((0, $"soracom: 192.0.2.10 (inner 198.18.0.10) registered in {_api.VpgId}\n", ""), first);
        Assert.Equal((0, $"soracom: 192.0.2.10 (inner 198.18.0.10) already registered in {_api.VpgId}\n", ""), second);
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal("already-registered", document.RootElement.GetProperty("gates")[0].GetProperty("result").GetString());
        Assert.Equal((0, $"soracom: 192.0.2.10 unregistered in {_api.VpgId}\n", ""), removed);
        Assert.Equal((0, $"soracom: 192.0.2.10 was not registered in {_api.VpgId}\n", ""), again);
        Assert.Equal(1, _api.Count("POST", "/gate/peers"));
        Assert.Equal(1, _api.Count("DELETE", "/gate/peers/192.0.2.10"));
        Assert.DoesNotContain(_api.Peers, p => p.Outer == "192.0.2.10");
    }

    [Fact]
    public void A_refused_auth_key_is_a_clear_credentials_error_exit_1()
    {
        _api.Fault = FakeResponse.Unauthorized;

        var (exit, stdout, stderr) = Run("soracom", "register", StateFile);

        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Equal("gatectl: soracom: SORACOM API: POST /v1/auth: HTTP 401 Unauthorized (AUM0004: Invalid authKeyId or authKey): the credentials were refused; "
            + "check the auth key (authKeyId, authKey) in the credentials file or environment\n", stderr);
    }

    [Fact]
    public async Task Diff_reports_endpoints_from_a_stale_cache_when_the_API_fails()
    {
        _ns = await NamespaceWithUnderlayAsync();
        Assert.Equal(0, Run("apply", StateFile, "--netns", _ns.Name).Exit);
        _api.Fault = FakeResponse.ServerError;
        _api.FaultPeersOnly = true;

        var (exit, stdout, _) = Run("diff", StateFile, "--netns", _ns.Name);
        var json = Run("diff", StateFile, "--netns", _ns.Name, "--output", "json");

        Assert.Equal(0, exit);
        Assert.StartsWith($"soracom: soracom: endpoints from cache, ", stdout, StringComparison.Ordinal);
        Assert.Contains($"old ({_api.VpgId}: 2 endpoints, 0 peers; API error: SORACOM API: GET /v1/virtual_private_gateways/{_api.VpgId}/gate/peers: HTTP 500 Internal Server Error (ERR0001: internal error): a fault at SORACOM", stdout, StringComparison.Ordinal);
        Assert.Contains("  soracom (gate0): in-sync", stdout, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Stdout);
        var source = document.RootElement.GetProperty("sources")[0];
        Assert.Equal("cache", source.GetProperty("origin").GetString());
        Assert.True(source.GetProperty("ageSeconds").GetDouble() >= 0);
    }

    [Fact]
    public async Task Without_API_and_cache_apply_changes_nothing_and_exits_1_naming_the_gate()
    {
        _ns = await NamespaceWithUnderlayAsync();
        _api.Fault = FakeResponse.ServerError;

        var (exit, stdout, stderr) = Run("apply", StateFile, "--netns", _ns.Name);

        Assert.Equal(1, exit);
        Assert.Contains("soracom: soracom: endpoints unavailable", stdout, StringComparison.Ordinal);
        Assert.StartsWith("gatectl: gate soracom: its endpoints could not be read from the SORACOM API nor its cache, so it was left as it is", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("gate0", await _ns.IpAsync("-br", "link"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_auth_key_and_the_session_never_appear_in_any_output()
    {
        _ns = await NamespaceWithUnderlayAsync();
        var outputs = new List<string>();
        void Collect((int Exit, string Stdout, string Stderr) r) => outputs.Add(r.Stdout + r.Stderr);

        Collect(Run("validate", StateFile));
        Collect(Run("plan", StateFile, "--netns", _ns.Name, "--output", "json"));
        Collect(Run("apply", StateFile, "--netns", _ns.Name));
        Collect(Run("soracom", "register", StateFile, "--output", "json"));
        foreach (var fault in new[] { FakeResponse.Unauthorized, FakeResponse.Malformed, FakeResponse.ServerError, FakeResponse.TooManyRequests(60) })
        {
            _api.Fault = fault;
            Collect(Run("diff", StateFile, "--netns", _ns.Name));
            Collect(Run("soracom", "unregister", StateFile));
        }

        File.SetUnixFileMode(CredentialsFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        Collect(Run("soracom", "register", StateFile));
        Assert.Contains(outputs, o => o.Contains("has mode 0604, readable by others; expected 0600 or narrower", StringComparison.Ordinal));

        foreach (var secret in new[] { FakeSoracomApi.AuthKeySecret, FakeSoracomApi.AuthKeyId, FakeSoracomApi.ApiKey, FakeSoracomApi.Token })
        {
            Assert.All(outputs, o => Assert.DoesNotContain(secret, o, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void One_shot_commands_log_in_once_and_reuse_the_session_kept_in_the_state_directory()
    {
        Assert.Equal(0, Run("soracom", "register", StateFile).Exit);
        Assert.Equal(0, Run("soracom", "register", StateFile).Exit);
        Assert.Equal(0, Run("soracom", "unregister", StateFile).Exit);

        Assert.Equal(1, _api.Logins);
        var kept = Assert.Single(Directory.GetFiles(Path.Combine(_directory, "state", "soracom"), "session-*.json"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kept));
    }

    [Fact]
    public async Task Apply_with_register_registers_this_host_and_delete_unregisters_it()
    {
        _ns = await NamespaceWithUnderlayAsync();
        await File.WriteAllTextAsync(StateFile, State + "\n      register: true\n", TestContext.Current.CancellationToken);

        var first = Run("apply", StateFile, "--netns", _ns.Name);
        var second = Run("apply", StateFile, "--netns", _ns.Name);
        var delete = Run("delete", StateFile, "--netns", _ns.Name);

        Assert.Equal(0, first.Exit);
        Assert.Contains($"soracom: soracom: registered this host (192.0.2.10, inner 198.18.0.10) as a Gate Peer of {_api.VpgId}", first.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, second.Exit);
        Assert.DoesNotContain("registered", second.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, delete.Exit);
        Assert.Contains($"soracom: soracom: unregistered this host (192.0.2.10) from the Gate peers of {_api.VpgId}", delete.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, _api.Count("POST", "/gate/peers"));
        Assert.DoesNotContain(_api.Peers, p => p.Outer == "192.0.2.10");
    }

    [Fact]
    public async Task Plan_and_apply_refuse_a_vni_the_VPG_does_not_use_and_say_the_fix()
    {
        _ns = await NamespaceWithUnderlayAsync();
        _api.GateVxlanId = 20;
        // Written out, the vni is checked against the VPG (left out, it would be the VPG's own).
        await File.WriteAllTextAsync(StateFile, State.Replace("    interface: gate0\n", "    interface: gate0\n    vni: 10\n", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var plan = Run("plan", StateFile, "--netns", _ns.Name);
        var apply = Run("apply", StateFile, "--netns", _ns.Name);

        Assert.Equal(1, plan.Exit);
        Assert.Contains("vni 10 differs from the VPG's gateVxlanId 20", plan.Stdout + plan.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, apply.Exit);
        Assert.Contains("nothing was changed: gate soracom: vni 10 differs from the VPG's gateVxlanId 20 (vpg-test01), so the VPG would drop this host's frames; set vni: 20, or leave vni out to take it from the VPG", apply.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("gate0", await _ns.IpAsync("-br", "link"), StringComparison.Ordinal);
    }

    private static async Task<TestNamespace> NamespaceWithUnderlayAsync()
    {
        var ns = await TestNamespace.CreateAsync("scli");
        await ns.IpAsync("link", "add", "u0", "type", "veth", "peer", "name", "u0p");
        await ns.IpAsync("address", "add", "192.0.2.10/24", "dev", "u0");
        await ns.IpAsync("link", "set", "u0", "up");
        return ns;
    }

    private static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = GatectlCli.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
