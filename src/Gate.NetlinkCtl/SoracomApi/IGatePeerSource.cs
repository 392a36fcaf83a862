using System.Net;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.SoracomApi;

/// <summary>Asks the SORACOM API about a VPG and changes its Gate peers: the seam between the resolver's decisions and HTTP.</summary>
internal interface IGatePeerSource
{
    /// <summary>Reads the VPG's Gate settings and its Gate peers.</summary>
    /// <param name="source">The gate's SORACOM source.</param>
    /// <param name="stateDirectory">The host's state directory (where one-shot commands keep their session).</param>
    /// <param name="cancellationToken">Stops the requests.</param>
    /// <exception cref="SoracomApiException">Credentials, permission, HTTP, timeout or JSON failure.</exception>
    Task<VpgAnswer> ReadAsync(SoracomSource source, string stateDirectory, CancellationToken cancellationToken);

    /// <summary>Registers <paramref name="outer"/> (and <paramref name="inner"/>) as a Gate Peer of the VPG.</summary>
    /// <exception cref="SoracomApiException">The API refused or failed (after its bounded retries).</exception>
    Task RegisterAsync(SoracomSource source, string stateDirectory, IPAddress outer, IPAddress inner, CancellationToken cancellationToken);

    /// <summary>Unregisters <paramref name="outer"/>; false when it was not registered.</summary>
    /// <exception cref="SoracomApiException">The API refused or failed (after its bounded retries).</exception>
    Task<bool> UnregisterAsync(SoracomSource source, string stateDirectory, IPAddress outer, CancellationToken cancellationToken);

    /// <summary>Revokes the sessions kept in memory (the daemon, when it stops); returns what failed.</summary>
    Task<IReadOnlyList<string>> CloseAsync(CancellationToken cancellationToken);
}

/// <summary>The real API: the kept session (or a login), then <c>GET</c> the VPG and its Gate peers, or change them.</summary>
/// <param name="store">Where sessions are kept: memory (the daemon) or memory and a 0600 file (one-shot commands).</param>
/// <param name="handler">The HTTP handler (tests); null for the default one.</param>
/// <param name="changeRetries">The waits before retries of register and unregister (tests); null for the default.</param>
internal sealed class SoracomGatePeerSource(SessionStore store = SessionStore.File, Func<HttpMessageHandler>? handler = null, IReadOnlyList<TimeSpan>? changeRetries = null)
    : IGatePeerSource
{
    private readonly SessionKeeper _sessions = new(store);

    /// <inheritdoc />
    public async Task<VpgAnswer> ReadAsync(SoracomSource source, string stateDirectory, CancellationToken cancellationToken)
    {
        using var client = Client(source);
        return await _sessions.CallAsync(client, source, stateDirectory, async session =>
        {
            var vpg = await client.GetVirtualPrivateGatewayAsync(session, source.VpgId, cancellationToken).ConfigureAwait(false);
            var peers = await client.ListGatePeersAsync(session, source.VpgId, cancellationToken).ConfigureAwait(false);
            return new VpgAnswer(vpg, peers);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task RegisterAsync(SoracomSource source, string stateDirectory, IPAddress outer, IPAddress inner, CancellationToken cancellationToken)
    {
        using var client = Client(source);
        await _sessions.CallAsync(client, source, stateDirectory, async session =>
        {
            await client.RegisterGatePeerAsync(session, source.VpgId, outer, inner, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> UnregisterAsync(SoracomSource source, string stateDirectory, IPAddress outer, CancellationToken cancellationToken)
    {
        using var client = Client(source);
        return await _sessions.CallAsync(client, source, stateDirectory,
            session => client.UnregisterGatePeerAsync(session, source.VpgId, outer, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> CloseAsync(CancellationToken cancellationToken) => _sessions.LogoutAllAsync(cancellationToken);

    private SoracomApiClient Client(SoracomSource source) => new(source.BaseUrl, source.Timeout, handler?.Invoke(), changeRetries);
}
