using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.SoracomApi;

/// <summary>Asks the SORACOM API for a VPG's Gate peers: the seam between the resolver's decisions and HTTP.</summary>
public interface IGatePeerSource
{
    /// <summary>Authenticates and lists the Gate peers of <paramref name="source"/>'s VPG.</summary>
    /// <exception cref="SoracomApiException">Credentials, HTTP, timeout or JSON failure.</exception>
    Task<IReadOnlyList<GatePeer>> ListAsync(SoracomSource source, CancellationToken cancellationToken);
}

/// <summary>The real API: reads the credentials, <c>POST /v1/auth</c>, then <c>GET .../gate/peers</c>.</summary>
/// <param name="handler">The HTTP handler (tests); null for the default one.</param>
public sealed class SoracomGatePeerSource(Func<HttpMessageHandler>? handler = null) : IGatePeerSource
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<GatePeer>> ListAsync(SoracomSource source, CancellationToken cancellationToken)
    {
        var key = CredentialsReader.Read(source.Credentials);
        using var client = new SoracomApiClient(source.BaseUrl, source.Timeout, handler?.Invoke());
        var session = await client.AuthenticateAsync(key, cancellationToken).ConfigureAwait(false);
        return await client.ListGatePeersAsync(session, source.VpgId, cancellationToken).ConfigureAwait(false);
    }
}
