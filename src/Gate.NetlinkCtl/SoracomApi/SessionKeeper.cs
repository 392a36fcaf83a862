using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gate.NetlinkCtl.Daemon;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.SoracomApi;

/// <summary>Where a <see cref="SessionKeeper"/> keeps sessions between calls.</summary>
internal enum SessionStore
{
    /// <summary>In memory only (the daemon: it lives as long as its sessions, and logs out when it stops).</summary>
    Memory,

    /// <summary>In memory and in <c>STATEDIR/soracom/session-*.json</c>, mode 0600 (one-shot commands: the next run reuses it).</summary>
    File,
}

/// <summary>
/// Keeps one API key and token per API and auth key until shortly before the token ends, so a refresh every minute is
/// one login a day, not 1,440. A call refused with 401 (a token revoked or expired early) logs in again, once.
/// </summary>
/// <param name="store">Memory only, or memory and a 0600 file per session.</param>
/// <param name="clock">The time (tests).</param>
internal sealed class SessionKeeper(SessionStore store, Func<DateTimeOffset>? clock = null)
{
    private readonly Func<DateTimeOffset> _clock = clock ?? (() => DateTimeOffset.UtcNow);
    private readonly Dictionary<string, (SoracomSession Session, SoracomSource Source)> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>How long before its end a token is replaced: a tenth of its life, at most 5 minutes.</summary>
    public static TimeSpan RenewalMargin(TimeSpan life) => TimeSpan.FromTicks(Math.Min(life.Ticks / 10, TimeSpan.FromMinutes(5).Ticks));

    /// <summary>Runs <paramref name="call"/> with a kept (or new) session; on 401 logs in again and runs it once more.</summary>
    public async Task<T> CallAsync<T>(
        SoracomApiClient client, SoracomSource source, string stateDirectory, Func<SoracomSession, Task<T>> call, CancellationToken cancellationToken)
    {
        var key = CredentialsReader.Read(source.Credentials);
        var id = SessionId(source, key);
        var session = await SessionAsync(client, source, stateDirectory, key, id, renew: false, cancellationToken).ConfigureAwait(false);
        try
        {
            return await call(session).ConfigureAwait(false);
        }
        catch (SoracomApiException e) when (e.Status == 401)
        {
            session = await SessionAsync(client, source, stateDirectory, key, id, renew: true, cancellationToken).ConfigureAwait(false);
            return await call(session).ConfigureAwait(false);
        }
    }

    /// <summary>Revokes every session kept in memory (<c>POST /auth/logout</c>); failures are returned, not thrown.</summary>
    public async Task<IReadOnlyList<string>> LogoutAllAsync(CancellationToken cancellationToken)
    {
        List<(SoracomSession Session, SoracomSource Source)> kept;
        lock (_lock)
        {
            kept = [.. _sessions.Values];
            _sessions.Clear();
        }

        var errors = new List<string>();
        foreach (var (session, source) in kept)
        {
            try
            {
                using var client = new SoracomApiClient(source.BaseUrl, source.Timeout);
                await client.LogoutAsync(session, cancellationToken).ConfigureAwait(false);
            }
            catch (SoracomApiException e)
            {
                errors.Add(e.Message);
            }
        }

        return errors;
    }

    private async Task<SoracomSession> SessionAsync(
        SoracomApiClient client, SoracomSource source, string stateDirectory, AuthKey key, string id, bool renew, CancellationToken cancellationToken)
    {
        // Two calls at once may both log in (the daemon reconciles one pass at a time): harmless, the later session is kept.
        var file = store == SessionStore.File ? Path.Combine(stateDirectory, "soracom", $"session-{id}.json") : null;
        if (!renew)
        {
            SoracomSession? kept;
            lock (_lock)
            {
                kept = _sessions.TryGetValue(id, out var inMemory) ? inMemory.Session : null;
            }

            kept ??= file is null ? null : ReadFile(file);
            if (kept is not null && _clock() < kept.ExpiresAt - RenewalMargin(source.TokenLifetime))
            {
                lock (_lock)
                {
                    _sessions[id] = (kept, source);
                }

                return kept;
            }
        }

        var session = await client.AuthenticateAsync(key, cancellationToken, source.TokenLifetime).ConfigureAwait(false);
        session = session with { ExpiresAt = _clock() + source.TokenLifetime };
        lock (_lock)
        {
            _sessions[id] = (session, source);
        }

        if (file is not null)
        {
            WriteFile(file, session);
        }

        return session;
    }

    /// <summary>Creates <paramref name="directory"/> (and its parents) readable by its owner only, where the system has modes.</summary>
    internal static void CreatePrivateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    // One session per API and auth key; the file name holds a hash, never the key id itself.
    private static string SessionId(SoracomSource source, AuthKey key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{SoracomApiClient.VersionedBase(source.BaseUrl)}|{key.Id}|{key.Secret}")))[..16];

    private static SoracomSession? ReadFile(string file)
    {
        try
        {
            var json = JsonSerializer.Deserialize(File.ReadAllText(file), SoracomJsonContext.Default.SessionFileJson);
            return json is null || string.IsNullOrEmpty(json.ApiKey) || string.IsNullOrEmpty(json.Token) ? null
                : new SoracomSession(json.ApiKey, json.Token) { ExpiresAt = json.ExpiresAt };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null; // no kept session: log in
        }
    }

    // A session that cannot be kept costs one more login next time, nothing else.
    private static void WriteFile(string file, SoracomSession session)
    {
        try
        {
            CreatePrivateDirectory(Path.GetDirectoryName(file)!);
            var json = JsonSerializer.Serialize(new SessionFileJson(session.ApiKey, session.Token, session.ExpiresAt), SoracomJsonContext.Default.SessionFileJson);
            AtomicFile.WriteAllText(file, json, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
