using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Gate.NetlinkCtl.SoracomApi;

/// <summary>The API's session: sent as <c>X-Soracom-API-Key</c> and <c>X-Soracom-Token</c>. <see cref="ToString"/> hides both.</summary>
/// <param name="ApiKey">The API key <c>POST /v1/auth</c> returned.</param>
/// <param name="Token">The token <c>POST /v1/auth</c> returned.</param>
internal sealed record SoracomSession(string ApiKey, string Token)
{
    /// <summary>When the token ends (the login time plus the <c>tokenTimeoutSeconds</c> asked for).</summary>
    public DateTimeOffset ExpiresAt { get; init; } = DateTimeOffset.MaxValue;

    /// <inheritdoc />
    public override string ToString() => "SoracomSession(hidden)";
}

/// <summary>
/// The few SORACOM API calls gatectl makes, each one the spec's operation: <c>auth</c>, <c>logout</c>,
/// <c>getVirtualPrivateGateway</c>, <c>listGatePeers</c>, <c>registerGatePeer</c>, <c>unregisterGatePeer</c>. Every
/// request is bounded by a timeout; every failure is a <see cref="SoracomApiException"/> that carries the HTTP status,
/// the API's own code and message, and what to do, and never a secret. Register and unregister are retried on 429 and
/// 5xx with bounded backoff (they change the VPG, and a person waits for them); reads fail at once and the cache covers.
/// </summary>
internal sealed class SoracomApiClient : IDisposable
{
    /// <summary>The longest Retry-After gatectl waits for before giving up on this attempt (the cache covers the rest).</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>The token life gatectl asks for: the spec's default (24 h).</summary>
    public static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromHours(24);

    /// <summary>The waits before each retry of a register or unregister (429 or 5xx): bounded, about 7 s in all.</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultChangeRetries = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)];

    // A 429 without Retry-After gets one retry after this long.
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    private readonly HttpClient _http;
    private readonly Uri _baseUrl;
    private readonly TimeSpan _timeout;
    private readonly IReadOnlyList<TimeSpan> _changeRetries;

    /// <summary>Creates a client for <paramref name="baseUrl"/> (such as https://api.soracom.io or https://api.soracom.io/v1).</summary>
    /// <param name="baseUrl">The API's base URL, with or without the spec's <c>/v1</c> (appended when missing).</param>
    /// <param name="timeout">How long one request may take, reply body included.</param>
    /// <param name="handler">The HTTP handler (tests); null for the default one (which honours HTTPS_PROXY).</param>
    /// <param name="changeRetries">The waits before retries of register and unregister; null for <see cref="DefaultChangeRetries"/>.</param>
    public SoracomApiClient(Uri baseUrl, TimeSpan timeout, HttpMessageHandler? handler = null, IReadOnlyList<TimeSpan>? changeRetries = null)
    {
        _baseUrl = VersionedBase(baseUrl);
        _timeout = timeout;
        _changeRetries = changeRetries ?? DefaultChangeRetries;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: true);
        _http.Timeout = Timeout.InfiniteTimeSpan; // each request has its own deadline, reply body included
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("gatectl", "0.1"));
    }

    /// <summary>The base every path is relative to: <paramref name="baseUrl"/> ending in <c>/v1/</c> (the spec's servers include it).</summary>
    public static Uri VersionedBase(Uri baseUrl)
    {
        var text = baseUrl.AbsoluteUri.TrimEnd('/');
        return new Uri(text.EndsWith("/v1", StringComparison.Ordinal) ? text + "/" : text + "/v1/");
    }

    /// <summary><c>POST /v1/auth</c> with the auth key, asking for a token that lives <paramref name="tokenLifetime"/> (24 h by default).</summary>
    public async Task<SoracomSession> AuthenticateAsync(AuthKey key, CancellationToken cancellationToken, TimeSpan? tokenLifetime = null)
    {
        var life = tokenLifetime ?? DefaultTokenLifetime;
        var loggedInAt = DateTimeOffset.UtcNow;
        var body = JsonSerializer.Serialize(new AuthRequest(key.Id, key.Secret, (long)life.TotalSeconds), SoracomJsonContext.Default.AuthRequest);
        var reply = await SendAsync(Operation.Auth, "auth", null, body, SoracomJsonContext.Default.AuthReply, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(reply?.ApiKey) || string.IsNullOrEmpty(reply.Token))
        {
            throw new SoracomApiException(SoracomFailure.Malformed, $"SORACOM API: POST {_baseUrl.AbsolutePath}auth: the reply has no apiKey or token; is {_baseUrl} the SORACOM API?");
        }

        return new SoracomSession(reply.ApiKey, reply.Token) { ExpiresAt = loggedInAt + life };
    }

    /// <summary><c>POST /v1/auth/logout</c>: revokes the API key and token.</summary>
    public async Task LogoutAsync(SoracomSession session, CancellationToken cancellationToken) =>
        await SendAsync(Operation.Logout, "auth/logout", session, null, SoracomJsonContext.Default.ApiErrorJson, cancellationToken, readBody: false).ConfigureAwait(false);

    /// <summary><c>GET /v1/virtual_private_gateways/{vpgId}</c>: whether Gate is open, its VNI and device subnet.</summary>
    public async Task<VirtualPrivateGateway> GetVirtualPrivateGatewayAsync(SoracomSession session, string vpgId, CancellationToken cancellationToken)
    {
        var reply = await SendAsync(Operation.GetVpg, VpgPath(vpgId), session, null, SoracomJsonContext.Default.VirtualPrivateGatewayJson, cancellationToken).ConfigureAwait(false)
            ?? throw new SoracomApiException(SoracomFailure.Malformed, $"SORACOM API: GET {_baseUrl.AbsolutePath}{VpgPath(vpgId)}: the reply is null; expected a VirtualPrivateGateway");
        return VirtualPrivateGateway.FromJson(vpgId, reply);
    }

    /// <summary>
    /// <c>GET /v1/virtual_private_gateways/{vpgId}/gate/peers</c>: the VPG's endpoints and its customers' peers. An entry
    /// gatectl cannot use (the spec requires no field) is skipped and named in <see cref="GatePeerList.Skipped"/>.
    /// </summary>
    public async Task<GatePeerList> ListGatePeersAsync(SoracomSession session, string vpgId, CancellationToken cancellationToken)
    {
        var path = PeersPath(vpgId);
        var reply = await SendAsync(Operation.ListPeers, path, session, null, SoracomJsonContext.Default.ListGatePeerJson, cancellationToken).ConfigureAwait(false)
            ?? throw new SoracomApiException(SoracomFailure.Malformed, $"SORACOM API: GET {_baseUrl.AbsolutePath}{path}: the reply is null; expected a list of Gate peers");
        var peers = new List<GatePeer>(reply.Count);
        var skipped = new List<string>();
        for (var i = 0; i < reply.Count; i++)
        {
            if (reply[i] is not { } entry)
            {
                skipped.Add($"entry {i + 1}: skipped, it is null");
            }
            else if (GatePeer.FromJson(entry, out var why) is { } peer)
            {
                peers.Add(peer);
            }
            else
            {
                skipped.Add($"entry {i + 1} (outerIpAddress {entry.OuterIpAddress ?? "absent"}, ownedByCustomer {(entry.OwnedByCustomer is { } o ? o ? "true" : "false" : "absent")}): skipped, {why}");
            }
        }

        return new GatePeerList(peers, skipped);
    }

    /// <summary><c>POST .../gate/peers</c>: registers this host's outer (and inner) IP as a Gate Peer of the VPG; 429 and 5xx are retried.</summary>
    public async Task RegisterGatePeerAsync(SoracomSession session, string vpgId, IPAddress outer, IPAddress? inner, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new RegisterPeerRequest(outer.ToString(), inner?.ToString()), SoracomJsonContext.Default.RegisterPeerRequest);
        await SendAsync(Operation.Register, PeersPath(vpgId), session, body, SoracomJsonContext.Default.GatePeerJson, cancellationToken, readBody: false).ConfigureAwait(false);
    }

    /// <summary><c>DELETE .../gate/peers/{outer}</c>: removes the Gate Peer; false when it was not registered (404); 429 and 5xx are retried.</summary>
    public async Task<bool> UnregisterGatePeerAsync(SoracomSession session, string vpgId, IPAddress outer, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(Operation.Unregister, $"{PeersPath(vpgId)}/{outer}", session, null, SoracomJsonContext.Default.GatePeerJson, cancellationToken, readBody: false).ConfigureAwait(false);
            return true;
        }
        catch (SoracomApiException e) when (e.Failure == SoracomFailure.NotFound)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static string VpgPath(string vpgId) => $"virtual_private_gateways/{Uri.EscapeDataString(vpgId)}";

    private static string PeersPath(string vpgId) => $"{VpgPath(vpgId)}/gate/peers";

    private async Task<T?> SendAsync<T>(
        Operation operation, string path, SoracomSession? session, string? body, JsonTypeInfo<T> type, CancellationToken cancellationToken, bool readBody = true)
    {
        var method = operation.Method;
        var what = $"{method} {_baseUrl.AbsolutePath}{path}";
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
                if (RetryWait(operation, response, attempt) is { } wait)
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var text = await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
                ThrowUnlessSuccess(operation, response, text, what, attempt);
                if (!readBody)
                {
                    return default;
                }

                try
                {
                    return JsonSerializer.Deserialize(text, type);
                }
                catch (JsonException e)
                {
                    // The parser's own message locates the problem; the reply itself is not quoted.
                    throw new SoracomApiException(SoracomFailure.Malformed,
                        $"SORACOM API: {what}: the reply is not the JSON the API documents (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})")
                    { Status = (int)response.StatusCode };
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SoracomApiException(SoracomFailure.Timeout,
                    $"SORACOM API: {what}: no complete reply within {_timeout.TotalSeconds:0.#} s (soracom.timeout); check the network path to {_baseUrl.GetLeftPart(UriPartial.Authority)} (a proxy needs HTTPS_PROXY)");
            }
            catch (HttpRequestException e)
            {
                throw new SoracomApiException(SoracomFailure.Network,
                    $"SORACOM API: {what}: cannot reach {_baseUrl.GetLeftPart(UriPartial.Authority)}: {e.Message}; check DNS, the route and HTTPS_PROXY", e);
            }
        }
    }

    // Changes (register, unregister) retry 429 and 5xx on a bounded schedule; reads retry a 429 once when it asks for little.
    private TimeSpan? RetryWait(Operation operation, HttpResponseMessage response, int attempt)
    {
        var code = (int)response.StatusCode;
        if (operation.RetriesFailures && (code == 429 || code >= 500) && attempt < _changeRetries.Count)
        {
            var backoff = _changeRetries[attempt];
            return code == 429 && RetryAfter(response) is { } asked && asked <= MaxRetryAfter && asked > backoff ? asked : backoff;
        }

        return !operation.RetriesFailures && code == 429 && attempt == 0 && RetryAfter(response) is { } wait && wait <= MaxRetryAfter ? wait : null;
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

    private static void ThrowUnlessSuccess(Operation operation, HttpResponseMessage response, string body, string what, int attempt)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var code = (int)response.StatusCode;
        var api = ApiError(body);
        var status = $"HTTP {code} {response.ReasonPhrase}".TrimEnd() + (api is null ? "" : $" ({api.Value.Code}: {api.Value.Message})");
        var tries = attempt > 0 ? $" after {attempt + 1} attempts" : "";
        var (failure, advice) = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized when operation == Operation.Auth => (SoracomFailure.Credentials,
                "the credentials were refused; check the auth key (authKeyId, authKey) in the credentials file or environment"),
            HttpStatusCode.Unauthorized => (SoracomFailure.Credentials,
                "the credentials were refused (the API key or token was not accepted); check the auth key and that the SAM user still exists"),
            HttpStatusCode.Forbidden => (SoracomFailure.Permission,
                $"the SAM user lacks the permission {operation.Permission}; allow it in the user's permissions (docs/soracom-api.md has a least-privilege policy per mode)"),
            HttpStatusCode.BadRequest => (SoracomFailure.BadRequest, $"the API refused the request; {operation.BadRequestAdvice}"),
            HttpStatusCode.NotFound => (SoracomFailure.NotFound,
                "no such VPG or peer for these credentials; check soracom.vpgId and soracom.coverage (a VPG lives in one coverage's API)"),
            HttpStatusCode.TooManyRequests => (SoracomFailure.RateLimited,
                $"rate limited{tries}{(RetryAfter(response) is { } wait ? $", retry after {wait.TotalSeconds:0} s" : "")}; lengthen soracom.refreshInterval if it persists"),
            _ when code >= 500 => (SoracomFailure.Status, $"a fault at SORACOM{tries}; try again later (the daemon retries by itself and uses the cached answer meanwhile)"),
            _ => (SoracomFailure.Status, "an answer the spec does not document; check soracom.apiUrl"),
        };
        throw new SoracomApiException(failure, $"SORACOM API: {what}: {status}: {advice}") { Status = code, ApiCode = api?.Code };
    }

    private static (string Code, string Message)? ApiError(string body)
    {
        try
        {
            var error = JsonSerializer.Deserialize(body, SoracomJsonContext.Default.ApiErrorJson);
            return error?.Code is { } code ? (code, error.Message ?? "") : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The spec's operations gatectl calls, with what a person needs when one fails.</summary>
    private sealed record Operation(HttpMethod Method, string Id, bool RetriesFailures, string BadRequestAdvice)
    {
        public static readonly Operation Auth = new(HttpMethod.Post, "auth", false, "check the auth key");
        public static readonly Operation Logout = new(HttpMethod.Post, "logout", false, "nothing to do: the token ends by itself");
        public static readonly Operation GetVpg = new(HttpMethod.Get, "getVirtualPrivateGateway", false, "check soracom.vpgId");
        public static readonly Operation ListPeers = new(HttpMethod.Get, "listGatePeers", false, "check soracom.vpgId and that Gate is open on the VPG");
        public static readonly Operation Register = new(HttpMethod.Post, "registerGatePeer", true,
            "check the gate's local (the outer IP) and address (the inner IP, inside the VPG's device subnet), and that Gate is open");
        public static readonly Operation Unregister = new(HttpMethod.Delete, "unregisterGatePeer", true, "check the gate's local (the outer IP)");

        /// <summary>The SAM permission the operation needs.</summary>
        public string Permission => Id is "auth" or "logout" ? $"for {Id} (none is needed for auth)" : $"VirtualPrivateGateway:{Id}";
    }
}
