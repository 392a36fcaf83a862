using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gate.NetlinkCtl.TestSupport;

/// <summary>
/// The SORACOM API's documented Gate endpoints, served on 127.0.0.1 (an ephemeral port) for one test: <c>POST /v1/auth</c>,
/// <c>GET|POST /v1/virtual_private_gateways/{id}/gate/peers</c>, <c>DELETE .../gate/peers/{outer}</c>. The peers list is
/// the test's to change; <see cref="Fault"/> scripts failures (401, 429 with Retry-After, 500, a slow or malformed reply);
/// every request is recorded. A tiny HTTP/1.1 server over <see cref="TcpListener"/>, one request per connection.
/// </summary>
public sealed class FakeSoracomApi : IAsyncDisposable
{
    /// <summary>The auth key id the server accepts.</summary>
    public const string AuthKeyId = "keyId-testTESTtest0123";

    /// <summary>The auth key secret the server accepts (tests assert it never shows in gatectl's output).</summary>
    public const string AuthKeySecret = "secret-Zx9QmW4sLp7VbN2kTr8YhJ5d";

    /// <summary>The API key the server hands out.</summary>
    public const string ApiKey = "api-1f2e3d4c-test";

    /// <summary>The token the server hands out.</summary>
    public const string Token = "token-aa11bb22cc33-test";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<FakeResponse> _scripted = new();
    private readonly List<FakeRequest> _requests = [];
    private readonly Lock _gate = new();
    private readonly List<(string Outer, string? Inner, bool Owned)> _peers = [];
    private readonly Task _loop;

    /// <summary>Starts serving <paramref name="vpgId"/>.</summary>
    public FakeSoracomApi(string vpgId = "vpg-test01")
    {
        VpgId = vpgId;
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The VPG served.</summary>
    public string VpgId { get; }

    /// <summary>The base URL to put in <c>soracom.apiUrl</c>.</summary>
    public Uri BaseUrl => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>When set, every request (auth included) is answered with this instead of the real answer.</summary>
    public FakeResponse? Fault { get; set; }

    /// <summary>When set, only Gate peers requests get <see cref="Fault"/>; auth still works.</summary>
    public bool FaultPeersOnly { get; set; }

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

    /// <summary>The current entries' outer IPs.</summary>
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

    /// <summary>The next request gets <paramref name="response"/> (queued answers come before <see cref="Fault"/>).</summary>
    public void Enqueue(FakeResponse response) => _scripted.Enqueue(response);

    /// <inheritdoc />
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

            var response = Answer(request);
            if (response.Delay > TimeSpan.Zero)
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

    private FakeResponse Answer(FakeRequest request)
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

        if (request.Method == "POST" && request.Path == "/v1/auth")
        {
            var body = JsonNode.Parse(request.Body);
            return body?["authKeyId"]?.GetValue<string>() == AuthKeyId && body["authKey"]?.GetValue<string>() == AuthKeySecret
                ? FakeResponse.Json(200, new JsonObject { ["apiKey"] = ApiKey, ["token"] = Token, ["operatorId"] = "OP0000000000" }.ToJsonString())
                : FakeResponse.Json(401, """{"code":"AUM0004","message":"Invalid authKeyId or authKey"}""");
        }

        if (request.Headers.GetValueOrDefault("x-soracom-api-key") != ApiKey || request.Headers.GetValueOrDefault("x-soracom-token") != Token)
        {
            return FakeResponse.Json(401, """{"code":"AUM0001","message":"No API key or token"}""");
        }

        var peersPath = $"/v1/virtual_private_gateways/{VpgId}/gate/peers";
        lock (_gate)
        {
            if (request.Method == "GET" && request.Path == peersPath)
            {
                var list = new JsonArray([.. _peers.Select(p => (JsonNode)new JsonObject
                {
                    ["outerIpAddress"] = p.Outer,
                    ["innerIpAddress"] = p.Inner,
                    ["netmask"] = 15,
                    ["ownedByCustomer"] = p.Owned,
                })]);
                return FakeResponse.Json(200, list.ToJsonString());
            }

            if (request.Method == "POST" && request.Path == peersPath)
            {
                var body = JsonNode.Parse(request.Body)!;
                var outer = body["outerIpAddress"]!.GetValue<string>();
                var inner = body["innerIpAddress"]?.GetValue<string>();
                _peers.RemoveAll(p => p.Outer == outer);
                _peers.Add((outer, inner, true));
                return FakeResponse.Json(201, new JsonObject { ["outerIpAddress"] = outer, ["innerIpAddress"] = inner, ["ownedByCustomer"] = true }.ToJsonString());
            }

            if (request.Method == "DELETE" && request.Path.StartsWith(peersPath + "/", StringComparison.Ordinal))
            {
                var outer = request.Path[(peersPath.Length + 1)..];
                return _peers.RemoveAll(p => p.Outer == outer && p.Owned) > 0
                    ? new FakeResponse(204, "")
                    : FakeResponse.Json(404, """{"code":"VPG0001","message":"not found"}""");
            }
        }

        return FakeResponse.Json(404, """{"code":"API0001","message":"no such resource"}""");
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
        401 => "Unauthorized",
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

    /// <summary>A JSON answer.</summary>
    public static FakeResponse Json(int status, string body) => new(status, body);

    /// <summary>401, as the API answers a refused auth key.</summary>
    public static FakeResponse Unauthorized { get; } = Json(401, """{"code":"AUM0004","message":"Invalid authKeyId or authKey"}""");

    /// <summary>500.</summary>
    public static FakeResponse ServerError { get; } = Json(500, """{"code":"ERR0001","message":"internal error"}""");

    /// <summary>200 with a body that is not JSON.</summary>
    public static FakeResponse Malformed { get; } = Json(200, """[{"outerIpAddress": "192.0.2.1", "ownedBy""");

    /// <summary>429 asking to come back after <paramref name="seconds"/>.</summary>
    public static FakeResponse TooManyRequests(int seconds) =>
        Json(429, """{"code":"ERR0429","message":"rate limited"}""") with { Headers = [("Retry-After", seconds.ToString(CultureInfo.InvariantCulture))] };

    /// <summary>A correct-looking answer that comes too late.</summary>
    public static FakeResponse Slow(TimeSpan delay) => Json(500, "{}") with { Delay = delay };
}
