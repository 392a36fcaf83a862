using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Gate.NetlinkCtl.SoracomApi;

/// <summary>The API's session: sent as <c>X-Soracom-API-Key</c> and <c>X-Soracom-Token</c>. <see cref="ToString"/> hides both.</summary>
/// <param name="ApiKey">The API key <c>POST /v1/auth</c> returned.</param>
/// <param name="Token">The token <c>POST /v1/auth</c> returned.</param>
public sealed record SoracomSession(string ApiKey, string Token)
{
    /// <inheritdoc />
    public override string ToString() => "SoracomSession(hidden)";
}

/// <summary>
/// The few SORACOM API calls gatectl makes: authenticate with an auth key, list, register and unregister a VPG's
/// Gate peers. Every request is bounded by a timeout; a 429 is retried once after its Retry-After when that is short;
/// every failure is a <see cref="SoracomApiException"/> whose message holds no secret.
/// </summary>
public sealed class SoracomApiClient : IDisposable
{
    /// <summary>The longest Retry-After gatectl waits for before giving up on this attempt (the cache covers the rest).</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(5);

    // A 429 without Retry-After gets one retry after this long.
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    private readonly HttpClient _http;
    private readonly Uri _baseUrl;
    private readonly TimeSpan _timeout;

    /// <summary>Creates a client for <paramref name="baseUrl"/> (such as https://api.soracom.io).</summary>
    /// <param name="baseUrl">The API's base URL; paths start with <c>/v1/</c> below it.</param>
    /// <param name="timeout">How long one request may take, reply body included.</param>
    /// <param name="handler">The HTTP handler (tests); null for the default one.</param>
    public SoracomApiClient(Uri baseUrl, TimeSpan timeout, HttpMessageHandler? handler = null)
    {
        _baseUrl = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        _timeout = timeout;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: true);
        _http.Timeout = Timeout.InfiniteTimeSpan; // each request has its own deadline, reply body included
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("gatectl", "0.1"));
    }

    /// <summary><c>POST /v1/auth</c> with the auth key; returns the session for later calls.</summary>
    public async Task<SoracomSession> AuthenticateAsync(AuthKey key, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new AuthRequest(key.Id, key.Secret), SoracomJsonContext.Default.AuthRequest);
        var reply = await SendAsync(HttpMethod.Post, "v1/auth", null, body, SoracomJsonContext.Default.AuthReply, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(reply?.ApiKey) || string.IsNullOrEmpty(reply.Token))
        {
            throw new SoracomApiException(SoracomFailure.Malformed, "SORACOM API: POST /v1/auth: the reply has no apiKey or token; is the base URL the SORACOM API?");
        }

        return new SoracomSession(reply.ApiKey, reply.Token);
    }

    /// <summary><c>GET /v1/virtual_private_gateways/{vpgId}/gate/peers</c>: the VPG's endpoints and its customers' peers.</summary>
    public async Task<IReadOnlyList<GatePeer>> ListGatePeersAsync(SoracomSession session, string vpgId, CancellationToken cancellationToken)
    {
        var path = PeersPath(vpgId);
        var reply = await SendAsync(HttpMethod.Get, path, session, null, SoracomJsonContext.Default.ListGatePeerJson, cancellationToken).ConfigureAwait(false)
            ?? throw new SoracomApiException(SoracomFailure.Malformed, $"SORACOM API: GET /{path}: the reply is null; expected a list of Gate peers");
        var peers = new List<GatePeer>(reply.Count);
        foreach (var entry in reply)
        {
            // One unreadable entry makes the whole answer suspect: better the cache than a partial flood list.
            peers.Add(entry is null ? throw Unreadable(path) : GatePeer.FromJson(entry) ?? throw Unreadable(path));
        }

        return peers;

        static SoracomApiException Unreadable(string path) => new(SoracomFailure.Malformed,
            $"SORACOM API: GET /{path}: an entry lacks an IPv4 outerIpAddress or ownedByCustomer; the answer is not used");
    }

    /// <summary><c>POST .../gate/peers</c>: registers this host's outer (and inner) IP as a Gate Peer of the VPG.</summary>
    public async Task RegisterGatePeerAsync(SoracomSession session, string vpgId, IPAddress outer, IPAddress? inner, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new RegisterPeerRequest(outer.ToString(), inner?.ToString()), SoracomJsonContext.Default.RegisterPeerRequest);
        await SendAsync(HttpMethod.Post, PeersPath(vpgId), session, body, SoracomJsonContext.Default.GatePeerJson, cancellationToken, readBody: false).ConfigureAwait(false);
    }

    /// <summary><c>DELETE .../gate/peers/{outer}</c>: removes the Gate Peer; false when it was not registered (404).</summary>
    public async Task<bool> UnregisterGatePeerAsync(SoracomSession session, string vpgId, IPAddress outer, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(HttpMethod.Delete, $"{PeersPath(vpgId)}/{outer}", session, null, SoracomJsonContext.Default.GatePeerJson, cancellationToken, readBody: false).ConfigureAwait(false);
            return true;
        }
        catch (SoracomApiException e) when (e.Failure == SoracomFailure.NotFound)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static string PeersPath(string vpgId) => $"v1/virtual_private_gateways/{Uri.EscapeDataString(vpgId)}/gate/peers";

    private async Task<T?> SendAsync<T>(
        HttpMethod method, string path, SoracomSession? session, string? body, JsonTypeInfo<T> type, CancellationToken cancellationToken, bool readBody = true)
    {
        var what = $"{method} /{path}";
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, new Uri(_baseUrl, path));
            if (session is not null)
            {
                request.Headers.Add("X-Soracom-API-Key", session.ApiKey);
                request.Headers.Add("X-Soracom-Token", session.Token);
            }

            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_timeout);
            try
            {
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt == 0 && RetryAfter(response) is { } wait && wait <= MaxRetryAfter)
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                ThrowUnlessSuccess(response, what);
                if (!readBody)
                {
                    return default;
                }

                var text = await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
                try
                {
                    return JsonSerializer.Deserialize(text, type);
                }
                catch (JsonException e)
                {
                    // The parser's own message locates the problem; the reply itself is not quoted.
                    throw new SoracomApiException(SoracomFailure.Malformed,
                        $"SORACOM API: {what}: the reply is not the JSON the API documents (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SoracomApiException(SoracomFailure.Timeout,
                    $"SORACOM API: {what}: no complete reply within {_timeout.TotalSeconds:0.#} s (soracom.timeout)");
            }
            catch (HttpRequestException e)
            {
                throw new SoracomApiException(SoracomFailure.Network, $"SORACOM API: {what}: cannot reach {_baseUrl.GetLeftPart(UriPartial.Authority)}: {e.Message}", e);
            }
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return DefaultRetryAfter;
    }

    private static void ThrowUnlessSuccess(HttpResponseMessage response, string what)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var code = (int)response.StatusCode;
        var status = $"HTTP {code} {response.ReasonPhrase}".TrimEnd();
        throw response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new SoracomApiException(SoracomFailure.Credentials,
                $"SORACOM API: {what}: {status}: the credentials were refused; check the auth key (authKeyId, authKey) and that its permissions allow Gate peers of this VPG"),
            HttpStatusCode.NotFound => new SoracomApiException(SoracomFailure.NotFound,
                $"SORACOM API: {what}: {status}: no such VPG or peer for these credentials; check soracom.vpgId and soracom.coverage"),
            HttpStatusCode.TooManyRequests => new SoracomApiException(SoracomFailure.RateLimited,
                $"SORACOM API: {what}: {status}: rate limited{(RetryAfter(response) is { } wait ? $", retry after {wait.TotalSeconds:0} s" : "")}"),
            _ => new SoracomApiException(SoracomFailure.Status, $"SORACOM API: {what}: {status}"),
        };
    }
}
