using System.Text.Json;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests;

/// <summary>
/// <c>gatectl check</c> as a command: its lines, fixes, JSON and exit codes, and the SORACOM checks against the local
/// API server (which answers in the published schema): a closed Gate, a VNI mismatch, an unregistered host.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CheckCommandTests : IAsyncLifetime
{
    private readonly FakeSoracomApi _api = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("gatectl-check-cli").FullName;
    private TestNamespace _ns = null!;

    private string StateFile => Path.Combine(_directory, "state.yaml");

    private string CredentialsFile => Path.Combine(_directory, "soracom.json");

    public async ValueTask InitializeAsync()
    {
        _ns = await TestNamespace.CreateAsync("cc");
        _api.AddPeer("203.0.113.4", null, owned: false);
        _api.AddPeer("203.0.113.132", null, owned: false);
        await File.WriteAllTextAsync(CredentialsFile, $$"""{"authKeyId": "{{FakeSoracomApi.AuthKeyId}}", "authKey": "{{FakeSoracomApi.AuthKeySecret}}"}""");
        File.SetUnixFileMode(CredentialsFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(StateFile, new StateYaml
        {
            StateDirectory = $"{_directory}/state",
            Gates = [new GateYaml { Name = "soracom", Interface = "gate0", Vni = "10", Soracom = new SoracomYaml(_api.VpgId, _api.BaseUrl, CredentialsFile) { Coverage = "jp" } }],
        }.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await _ns.DisposeAsync();
        await _api.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void A_host_without_the_gate_fails_with_a_fix_under_each_failed_line_and_exit_1()
    {
        var (exit, stdout, stderr) = Run("check", StateFile, "--netns", _ns.Name);

        Assert.Equal("", stderr);
        Assert.Equal(1, exit);
        Assert.Contains("gate soracom\n", stdout, StringComparison.Ordinal);
        Assert.Contains("  ✘ device: gate0 does not exist\n      fix: run 'gatectl apply' with this state file\n", stdout, StringComparison.Ordinal);
        Assert.Contains("  ✘ underlay: the underlay u0 does not exist\n", stdout, StringComparison.Ordinal);
        Assert.Matches(@"\d+ checks: \d+ passed, \d+ warnings?, \d+ failed\n$", stdout);
    }

    [Fact]
    public void A_closed_gate_a_vni_mismatch_and_an_unregistered_host_are_each_a_failure_in_json()
    {
        _api.GateOpened = false;
        _api.GateVxlanId = 20;

        var (exit, stdout, _) = Run("check", StateFile, "--netns", _ns.Name, "--output", "json");

        Assert.Equal(1, exit);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("fail", json.RootElement.GetProperty("result").GetString());
        var soracom = json.RootElement.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("check").GetString()!.StartsWith("soracom", StringComparison.Ordinal))
            .Select(f => (Check: f.GetProperty("check").GetString(), Verdict: f.GetProperty("verdict").GetString(), Seen: f.GetProperty("seen").GetString()!))
            .ToList();
        Assert.Contains(soracom, f => f is { Check: "soracom api", Verdict: "pass" });
        Assert.Contains(soracom, f => f.Check == "soracom vpg" && f.Verdict == "fail" && f.Seen.StartsWith($"Gate is closed on {_api.VpgId}", StringComparison.Ordinal));
        Assert.Contains(soracom, f => f.Check == "soracom vpg" && f.Verdict == "fail" && f.Seen.StartsWith("vni 10 differs from the VPG's gateVxlanId 20", StringComparison.Ordinal));
        Assert.Contains(soracom, f => f is { Check: "soracom peer", Verdict: "fail" });
    }

    [Fact]
    public void An_open_gate_with_the_same_vni_and_this_host_registered_passes_the_soracom_checks()
    {
        _api.AddPeer("192.0.2.10", "198.18.0.10", owned: true);

        var (_, stdout, _) = Run("check", StateFile, "--netns", _ns.Name);

        Assert.Contains($"  ✔ soracom vpg: {_api.VpgId}: Gate open, VNI and device subnet match\n", stdout, StringComparison.Ordinal);
        Assert.Contains($"  ✔ soracom peer: this host is registered as a Gate Peer of {_api.VpgId}\n", stdout, StringComparison.Ordinal);
        Assert.Contains("  ✔ soracom api: endpoints from the SORACOM API", stdout, StringComparison.Ordinal);
    }

    private static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = GatectlCli.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
