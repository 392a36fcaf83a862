using Gate.NetlinkCtl.SoracomApi;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.SoracomApi;

/// <summary>Sessions are kept until shortly before their token ends, renewed once on 401, kept in a 0600 file for one-shot commands, and revoked on close.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SessionKeeperTests : IAsyncDisposable
{
    private readonly FakeSoracomApi _api = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("gatectl-sessions-").FullName;
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    public SessionKeeperTests()
    {
        _api.AddPeer("203.0.113.4", null, owned: false);
        var credentials = Path.Combine(_directory, "soracom.json");
        File.WriteAllText(credentials, $$"""{"authKeyId": "{{FakeSoracomApi.AuthKeyId}}", "authKey": "{{FakeSoracomApi.AuthKeySecret}}"}""");
        File.SetUnixFileMode(credentials, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Source = new SoracomSource(_api.VpgId, SoracomCoverage.Jp, new SoracomCredentialsSource(credentials, false))
        {
            ApiUrl = _api.BaseUrl,
            Timeout = TimeSpan.FromSeconds(2),
            TokenLifetime = TimeSpan.FromHours(1),
        };
    }

    private SoracomSource Source { get; }

    private string StateDirectory => Path.Combine(_directory, "state");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_login_serves_every_call_until_shortly_before_the_token_ends()
    {
        var keeper = new SessionKeeper(SessionStore.Memory, () => _now);
        using var client = new SoracomApiClient(Source.BaseUrl, Source.Timeout);

        for (var minute = 0; minute < 50; minute += 10)
        {
            await ListAsync(keeper, client);
            _now += TimeSpan.FromMinutes(10);
        }

        Assert.Equal(1, _api.Logins);
        Assert.Equal(5, _api.Count("GET", "/gate/peers"));

        // 1 h tokens are replaced 5 minutes (a tenth, at most 5 minutes) before they end.
        _now += TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1);
        await ListAsync(keeper, client);

        Assert.Equal(2, _api.Logins);
        Assert.Contains("\"tokenTimeoutSeconds\":3600", _api.Requests.First(r => r.Path == "/v1/auth").Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_401_logs_in_again_once_and_a_second_401_is_an_error_not_a_loop()
    {
        var keeper = new SessionKeeper(SessionStore.Memory, () => _now);
        using var client = new SoracomApiClient(Source.BaseUrl, Source.Timeout);
        await ListAsync(keeper, client);

        _api.ExpireTokens();
        await ListAsync(keeper, client);

        Assert.Equal(2, _api.Logins);
        Assert.Equal(["POST /v1/auth", "GET", "GET", "POST /v1/auth", "GET"], _api.Requests.Select(r => r.Method == "GET" ? "GET" : $"{r.Method} {r.Path}"));

        _api.FaultPeersOnly = true;
        _api.Fault = FakeResponse.Json(401, """{"code":"AUM0001","message":"Invalid API key or token"}""");
        var error = await Assert.ThrowsAsync<SoracomApiException>(() => ListAsync(keeper, client));

        Assert.Equal(401, error.Status);
        Assert.Contains("(AUM0001: Invalid API key or token)", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, _api.Logins);
    }

    [Fact]
    public async Task One_shot_commands_share_a_session_kept_in_a_file_only_root_may_read()
    {
        using var client = new SoracomApiClient(Source.BaseUrl, Source.Timeout);
        await ListAsync(new SessionKeeper(SessionStore.File, () => _now), client);
        await ListAsync(new SessionKeeper(SessionStore.File, () => _now), client);

        Assert.Equal(1, _api.Logins);
        var file = Assert.Single(Directory.GetFiles(Path.Combine(StateDirectory, "soracom"), "session-*.json"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(file)!));
        Assert.DoesNotContain(FakeSoracomApi.AuthKeyId, Path.GetFileName(file), StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSoracomApi.AuthKeySecret, await File.ReadAllTextAsync(file, Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Closing_revokes_each_kept_session_with_a_logout()
    {
        var keeper = new SessionKeeper(SessionStore.Memory, () => _now);
        using var client = new SoracomApiClient(Source.BaseUrl, Source.Timeout);
        await ListAsync(keeper, client);

        var errors = await keeper.LogoutAllAsync(Ct);

        Assert.Empty(errors);
        var logout = Assert.Single(_api.Requests, r => r.Path == "/v1/auth/logout");
        Assert.Equal("POST", logout.Method);
        Assert.StartsWith(FakeSoracomApi.Token, logout.Headers["X-Soracom-Token"], StringComparison.Ordinal);
        // Forgotten with it: the next call logs in again.
        await ListAsync(keeper, client);
        Assert.Equal(2, _api.Logins);
    }

    public async ValueTask DisposeAsync()
    {
        await _api.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private Task<GatePeerList> ListAsync(SessionKeeper keeper, SoracomApiClient client) =>
        keeper.CallAsync(client, Source, StateDirectory, session => client.ListGatePeersAsync(session, _api.VpgId, Ct), Ct);
}
