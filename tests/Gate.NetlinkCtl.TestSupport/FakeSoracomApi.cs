using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gate.NetlinkCtl.TestSupport;

/// <summary>
/// The SORACOM API's documented Gate endpoints, served on 127.0.0.1 (an ephemeral port) for one test, in the shapes of
/// <see cref="SoracomContract"/> only: <c>POST /v1/auth</c>, <c>POST /v1/auth/logout</c>, <c>GET /v1/virtual_private_gateways/{id}</c>,
/// <c>GET|POST .../gate/peers</c>, <c>DELETE .../gate/peers/{outer}</c>. Every request gatectl sends is checked against the
/// contract (operation, auth headers, body) and so is every answer; a violation is answered 400 and fails the test when
/// the server is disposed. The peers list and the VPG are the test's to change; <see cref="Fault"/> scripts failures;
/// tokens expire after <see cref="TokenLifetime"/>; every request is recorded. One request per connection.
/// </summary>
public sealed class FakeSoracomApi : IAsyncDisposable
{
    /// <summary>The auth key id the server accepts.</summary>
    public const string AuthKeyId = "keyId-testTESTtest0123";

    /// <summary>The auth key secret the server accepts (tests assert it never shows in gatectl's output).</summary>
    public const string AuthKeySecret = "secret-Zx9QmW4sLp7VbN2kTr8YhJ5d";

    /// <summary>The prefix of every API key the server hands out (each login gets its own).</summary>
    public const string ApiKey = "api-1f2e3d4c-test";

    /// <summary>The prefix of every token the server hands out (each login gets its own).</summary>
    public const string Token = "token-aa11bb22cc33-test";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<FakeResponse> _scripted = new();
    private readonly List<FakeRequest> _requests = [];
    private readonly List<string> _violations = [];
    private readonly Dictionary<string, (string ApiKey, DateTimeOffset Expires)> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly List<(string Outer, string? Inner, bool Owned)> _peers = [];
    private readonly Task _loop;
    private int _logins;

    /// <summary>Starts serving <paramref name="vpgId"/>.</summary>
    public FakeSoracomApi(string vpgId = "vpg-test01")
    {
        VpgId = vpgId;
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The contract the server answers in and checks requests against.</summary>
    public SoracomContract Contract { get; } = SoracomContract.Default;

    /// <summary>The VPG served.</summary>
    public string VpgId { get; }

    /// <summary>The base URL to put in <c>soracom.apiUrl</c>, without the <c>/v1</c> (gatectl appends it).</summary>
    public Uri BaseUrl => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>The base URL as the spec's servers write it, with <c>/v1</c>.</summary>
    public Uri BaseUrlWithVersion => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}{Contract.BasePath}");

    /// <summary>The VPG's <c>gateOpened</c>.</summary>
    public bool GateOpened { get; set; } = true;

    /// <summary>The VPG's <c>gateVxlanId</c>.</summary>
    public int GateVxlanId { get; set; } = 10;

    /// <summary>The VPG's <c>deviceSubnetCidrRange</c>.</summary>
    public string DeviceSubnetCidrRange { get; set; } = "198.18.0.0/15";

    /// <summary>The longest life of a token this server grants, whatever <c>tokenTimeoutSeconds</c> asked; null for what was asked.</summary>
    public TimeSpan? TokenLifetime { get; set; }

    /// <summary>Operations (such as <c>listGatePeers</c>) the SAM user may not call: answered 403.</summary>
    public HashSet<string> Denied { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, every request (auth included) is answered with this instead of the real answer.</summary>
    public FakeResponse? Fault { get; set; }

    /// <summary>When set, only Gate peers requests get <see cref="Fault"/>; auth still works.</summary>
    public bool FaultPeersOnly { get; set; }

    /// <summary>Set by a test that sends answers outside the contract on purpose (a malformed reply): violations then do not fail it.</summary>
    public bool ViolationsExpected { get; set; }

    /// <summary>How many logins (<c>POST /v1/auth</c> answered 200) so far.</summary>
    public int Logins => Volatile.Read(ref _logins);

    /// <summary>Every contract violation seen so far (requests gatectl sent, answers the test scripted).</summary>
    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_gate)
            {
                return [.. _violations];
            }
        }
    }

    /// <summary>Every request so far.</summary>
    public IReadOnlyList<FakeRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>How many requests went to <paramref name="method"/> and a path ending with <paramref name="pathEnd"/>.</summary>
    public int Count(string method, string pathEnd) => Requests.Count(r => r.Method == method && r.Path.EndsWith(pathEnd, StringComparison.Ordinal));

    /// <summary>Adds an entry to the VPG's Gate peers (<paramref name="owned"/> false: a VPG endpoint).</summary>
    public void AddPeer(string outer, string? inner, bool owned)
    {
        lock (_gate)
        {
            _peers.Add((outer, inner, owned));
        }
    }

    /// <summary>Removes the entry with <paramref name="outer"/>.</summary>
    public void RemovePeer(string outer)
    {
        lock (_gate)
        {
            _peers.RemoveAll(p => p.Outer == outer);
        }
    }

    /// <summary>The current entries.</summary>
    public IReadOnlyList<(string Outer, string? Inner, bool Owned)> Peers
    {
        get
        {
            lock (_gate)
            {
                return [.. _peers];
            }
        }
    }

    /// <summary>Ends every session at once, as an expiry would: the next request with it gets 401.</summary>
    public void ExpireTokens()
    {
        lock (_gate)
        {
            _sessions.Clear();
        }
    }

    /// <summary>The next request gets <paramref name="response"/> (queued answers come before <see cref="Fault"/>).</summary>
    public void Enqueue(FakeResponse response) => _scripted.Enqueue(response);

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A request or answer broke the contract (unless <see cref="ViolationsExpected"/>).</exception>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
        if (!ViolationsExpected && Violations.Count > 0)
        {
            throw new InvalidOperationException("the SORACOM API contract (tests/contracts/soracom-api.json) was broken:\n" + string.Join("\n", Violations));
        }
    }

    private void Violation(string text)
    {
        lock (_gate)
        {
            _violations.Add(text);
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var request = await ReadRequestAsync(stream);
            if (request is null)
            {
                return;
            }

            lock (_gate)
            {
                _requests.Add(request);
            }

            var operation = Contract.OperationOf(request.Method, request.Path, out var parameters);
            var response = CheckRequest(request, operation) ?? Answer(request, operation, parameters);
            if (!response.OutsideContract)
            {
                foreach (var problem in Contract.CheckResponse(operation, response.Status, response.Body))
                {
                    Violation($"answer to {request.Method} {request.Path}: {problem}");
                }
            }

            if (response.Delay != TimeSpan.Zero)
            {
                await Task.Delay(response.Delay, _stop.Token);
            }

            var body = Encoding.UTF8.GetBytes(response.Body);
            var head = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {response.Status} {Reason(response.Status)}\r\n")
                .Append("Content-Type: application/json\r\n")
                .Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n")
                .Append("Connection: close\r\n");
            foreach (var (name, value) in response.Headers)
            {
                head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
            }

            head.Append("\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);
            await stream.WriteAsync(body, _stop.Token);
            await stream.FlushAsync(_stop.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client gave up (a timeout test) or the server is stopping.
        }
    }

    // A request outside the contract is gatectl's bug: recorded, and refused as the real API would refuse it.
    private FakeResponse? CheckRequest(FakeRequest request, string? operation)
    {
        var problems = new List<string>();
        if (operation is null)
        {
            problems.Add("no operation of the spec has this method and path");
        }
        else
        {
            if (Contract.IsAuthenticated(operation))
            {
                problems.AddRange(Contract.AuthHeaders.Where(h => string.IsNullOrEmpty(request.Headers.GetValueOrDefault(h))).Select(h => $"{operation} without the {h} header"));
            }

            problems.AddRange(Contract.CheckRequest(operation, request.Body));
        }

        foreach (var problem in problems)
        {
            Violation($"request {request.Method} {request.Path}: {problem}");
        }

        return problems.Count == 0 ? null : FakeResponse.Json(400, new JsonObject { ["code"] = "TEST0400", ["message"] = string.Join("; ", problems) }.ToJsonString()) with { OutsideContract = true };
    }

    private FakeResponse Answer(FakeRequest request, string? operation, IReadOnlyDictionary<string, string> parameters)
    {
        var isPeers = request.Path.Contains("/gate/peers", StringComparison.Ordinal);
        if (_scripted.TryDequeue(out var scripted))
        {
            return scripted;
        }

        if (Fault is { } fault && (!FaultPeersOnly || isPeers))
        {
            return fault;
        }

        if (operation == "auth")
        {
            return Login(JsonNode.Parse(request.Body));
        }

        lock (_gate)
        {
            var apiKey = request.Headers.GetValueOrDefault("x-soracom-api-key");
            var token = request.Headers.GetValueOrDefault("x-soracom-token");
            if (token is null || !_sessions.TryGetValue(token, out var session) || session.ApiKey != apiKey || session.Expires <= DateTimeOffset.UtcNow)
            {
                return FakeResponse.Json(401, """{"code":"AUM0001","message":"Invalid API key or token, or the token has expired"}""");
            }

            if (operation == "logout")
            {
                _sessions.Remove(token);
                return new FakeResponse(204, "");
            }

            if (Denied.Contains(operation!))
            {
                return FakeResponse.Json(403, new JsonObject { ["code"] = "SEM0016", ["message"] = $"You are not allowed to call VirtualPrivateGateway:{operation}" }.ToJsonString());
            }

            if (parameters.GetValueOrDefault("vpg_id") != VpgId)
            {
                return FakeResponse.Json(404, """{"code":"VPG0001","message":"No such virtual private gateway"}""");
            }

            return operation switch
            {
                "getVirtualPrivateGateway" => FakeResponse.Json(200, new JsonObject
                {
                    ["vpgId"] = VpgId,
                    ["status"] = "running",
                    ["gateOpened"] = GateOpened,
                    ["gateVxlanId"] = GateVxlanId,
                    ["gatePrivacySeparatorEnabled"] = false,
                    ["deviceSubnetCidrRange"] = DeviceSubnetCidrRange,
                }.ToJsonString()),
                "listGatePeers" => FakeResponse.Json(200, new JsonArray([.. _peers.Select(p => (JsonNode)PeerJson(p.Outer, p.Inner, p.Owned))]).ToJsonString()),
                "registerGatePeer" => Register(JsonNode.Parse(request.Body)!),
                "unregisterGatePeer" => _peers.RemoveAll(p => p.Outer == parameters["outer_ip_address"] && p.Owned) > 0
                    ? new FakeResponse(204, "")
                    : FakeResponse.Json(404, """{"code":"VPG0021","message":"No such gate peer"}"""),
                _ => FakeResponse.Json(404, """{"code":"API0001","message":"No such resource"}"""),
            };
        }
    }

    private FakeResponse Login(JsonNode? body)
    {
        if (body?["authKeyId"]?.GetValue<string>() != AuthKeyId || body["authKey"]?.GetValue<string>() != AuthKeySecret)
        {
            return FakeResponse.Json(401, """{"code":"AUM0004","message":"Invalid authKeyId or authKey"}""");
        }

        var asked = TimeSpan.FromSeconds(body["tokenTimeoutSeconds"]?.GetValue<long>() ?? 86400);
        var life = TokenLifetime is { } most && most < asked ? most : asked;
        var n = Interlocked.Increment(ref _logins);
        var apiKey = $"{ApiKey}-{n}";
        var token = $"{Token}-{n}";
        lock (_gate)
        {
            _sessions[token] = (apiKey, DateTimeOffset.UtcNow + life);
        }

        return FakeResponse.Json(200, new JsonObject { ["apiKey"] = apiKey, ["token"] = token, ["operatorId"] = "OP0000000000" }.ToJsonString());
    }

    // Called under _gate. A second registration of the same outer IP is refused, so a client that does not look first fails.
    private FakeResponse Register(JsonNode body)
    {
        var outer = body["outerIpAddress"]!.GetValue<string>();
        var inner = body["innerIpAddress"]?.GetValue<string>();
        if (_peers.Any(p => p.Outer == outer))
        {
            return FakeResponse.Json(400, """{"code":"VPG0032","message":"The gate peer is already registered"}""");
        }

        _peers.Add((outer, inner, true));
        return FakeResponse.Json(200, PeerJson(outer, inner, true).ToJsonString());
    }

    // As the spec types them: netmask is a string; fields without a value are left out (none is required).
    private JsonObject PeerJson(string outer, string? inner, bool owned)
    {
        var json = new JsonObject { ["outerIpAddress"] = outer };
        if (inner is not null)
        {
            json["innerIpAddress"] = inner;
            json["netmask"] = NetmaskText();
        }

        json["ownedByCustomer"] = owned;
        return json;
    }

    private string NetmaskText()
    {
        var prefix = int.Parse(DeviceSubnetCidrRange[(DeviceSubnetCidrRange.IndexOf('/', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        return $"{mask >> 24}.{(mask >> 16) & 255}.{(mask >> 8) & 255}.{mask & 255}";
    }

    private static async Task<FakeRequest?> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(buffer))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return null;
            }

            buffer.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString([.. buffer]).Split("\r\n");
        var start = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1).Where(l => l.Contains(':', StringComparison.Ordinal)))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        var length = headers.TryGetValue("content-length", out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : 0;
        var body = new byte[length];
        await stream.ReadExactlyAsync(body);
        return new FakeRequest(start[0], start[1], headers, Encoding.UTF8.GetString(body), DateTimeOffset.UtcNow);
    }

    private static bool EndsWithBlankLine(List<byte> b) =>
        b.Count >= 4 && b[^4] == '\r' && b[^3] == '\n' && b[^2] == '\r' && b[^1] == '\n';

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "Status",
    };
}

/// <summary>One request the fake API received.</summary>
/// <param name="Method">GET, POST, DELETE.</param>
/// <param name="Path">The path, such as <c>/v1/auth</c>.</param>
/// <param name="Headers">Its headers (case-insensitive names).</param>
/// <param name="Body">Its body.</param>
/// <param name="At">When it arrived.</param>
public sealed record FakeRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At);

/// <summary>A scripted answer.</summary>
/// <param name="Status">HTTP status.</param>
/// <param name="Body">Body text (not necessarily JSON: malformed replies are the point of some tests).</param>
public sealed record FakeResponse(int Status, string Body)
{
    /// <summary>Extra headers, such as Retry-After.</summary>
    public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];

    /// <summary>How long the server waits before answering.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>True for an answer the test sends outside the contract on purpose (it is not checked).</summary>
    public bool OutsideContract { get; init; }

    /// <summary>A JSON answer.</summary>
    public static FakeResponse Json(int status, string body) => new(status, body);

    /// <summary>401, as the API answers a refused auth key.</summary>
    public static FakeResponse Unauthorized { get; } = Json(401, """{"code":"AUM0004","message":"Invalid authKeyId or authKey"}""");

    /// <summary>500.</summary>
    public static FakeResponse ServerError { get; } = Json(500, """{"code":"ERR0001","message":"internal error"}""");

    /// <summary>200 with a body that is not JSON.</summary>
    public static FakeResponse Malformed { get; } = Json(200, """[{"outerIpAddress": "192.0.2.1", "ownedBy""") with { OutsideContract = true };

    /// <summary>429 asking to come back after <paramref name="seconds"/>.</summary>
    public static FakeResponse TooManyRequests(int seconds) =>
        Json(429, """{"code":"ERR0429","message":"rate limited"}""") with { Headers = [("Retry-After", seconds.ToString(CultureInfo.InvariantCulture))] };

    /// <summary>A correct-looking answer that comes too late.</summary>
    public static FakeResponse Slow(TimeSpan delay) => ServerError with { Delay = delay };

    /// <summary>No answer at all: the connection is accepted and the request read, then nothing is sent until the server stops.</summary>
    public static FakeResponse Never { get; } = ServerError with { Delay = Timeout.InfiniteTimeSpan };

    /// <summary>403, as the API answers a SAM user without the permission.</summary>
    public static FakeResponse Forbidden(string operation) =>
        Json(403, new JsonObject { ["code"] = "SEM0016", ["message"] = $"You are not allowed to call VirtualPrivateGateway:{operation}" }.ToJsonString());
}
