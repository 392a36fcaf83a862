using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Gate.NetlinkCtl.Netlink.Sockets;

namespace Gate.NetlinkCtl.Demo;

/// <summary>How a payload probe ended.</summary>
/// <param name="Passed">The payload came back byte for byte in time.</param>
/// <param name="Bytes">Payload size sent (and expected back).</param>
/// <param name="Elapsed">From the first send (TCP: from connect) to the last byte back.</param>
/// <param name="Error">Why it failed, when it did.</param>
internal sealed record PayloadResult(bool Passed, int Bytes, TimeSpan Elapsed, string? Error);

/// <summary>
/// Bounded traffic between two namespaces: <c>ping</c> for ICMP, and UDP/TCP echo sockets that this process opens
/// inside each namespace, so the payload check needs no extra tool and measures its own round trip.
/// </summary>
internal static class TrafficProbe
{
    /// <summary>Pings <paramref name="target"/> from <paramref name="ns"/>: <paramref name="count"/> requests 0.2 s apart, within a deadline.</summary>
    /// <remarks>
    /// ping's <c>-W</c> waits only two round trips for the last reply once others came back (well under a millisecond
    /// here), so a busy machine would lose replies; <c>-w</c> is a deadline for all of them instead. Without replies
    /// ping goes on sending until the deadline, so <see cref="PingResult.Sent"/> may then exceed the count.
    /// </remarks>
    /// <param name="ns">The sender's namespace.</param>
    /// <param name="target">The address to ping.</param>
    /// <param name="count">How many echo requests.</param>
    /// <param name="payloadBytes">ICMP payload size (ping's <c>-s</c>); the IP packet is 28 bytes more.</param>
    /// <param name="dontFragment">Sets DF and forbids local fragmentation (ping's <c>-M do</c>).</param>
    public static async Task<PingResult> PingAsync(string ns, IPAddress target, int count = 3, int payloadBytes = 56, bool dontFragment = false)
    {
        string[] args =
        [
            "netns", "exec", ns, "ping", "-n", "-c", Text(count), "-i", "0.2", "-w", Text(DeadlineSeconds(count)), "-s", Text(payloadBytes),
            .. dontFragment ? (string[])["-M", "do"] : [],
            target.ToString(),
        ];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(DeadlineSeconds(count) + 3));
        var result = await ProcessRunner.TryRunAsync("ip", args, limit.Token);
        return PingResult.Parse(result.StandardOutput, result.StandardError);
    }

    /// <summary>Sends one UDP datagram from <paramref name="clientNs"/> to an echo socket in <paramref name="serverNs"/> and waits for it back.</summary>
    public static async Task<PayloadResult> UdpEchoAsync(string clientNs, string serverNs, IPAddress serverAddress, int bytes = 512, TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(3));
        using var server = NetworkNamespace.Run(serverNs, () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
        using var client = NetworkNamespace.Run(clientNs, () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
        server.Bind(new IPEndPoint(serverAddress, 0));
        var echo = EchoOneDatagramAsync(server, limit.Token);
        var payload = RandomNumberGenerator.GetBytes(bytes);
        var back = new byte[bytes + 1];
        var clock = Stopwatch.StartNew();
        try
        {
            await client.ConnectAsync(server.LocalEndPoint!, limit.Token);
            await client.SendAsync(payload, SocketFlags.None, limit.Token);
            var received = await client.ReceiveAsync(back, SocketFlags.None, limit.Token);
            clock.Stop();
            await echo;
            return back.AsSpan(0, received).SequenceEqual(payload)
                ? new PayloadResult(true, bytes, clock.Elapsed, null)
                : new PayloadResult(false, bytes, clock.Elapsed, $"echo differs: {received} bytes back");
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            return new PayloadResult(false, bytes, clock.Elapsed, Describe(e));
        }
    }

    /// <summary>Connects over TCP from <paramref name="clientNs"/> to an echo listener in <paramref name="serverNs"/>, sends <paramref name="bytes"/> and reads them back.</summary>
    public static async Task<PayloadResult> TcpEchoAsync(string clientNs, string serverNs, IPAddress serverAddress, int bytes = 64 * 1024, TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        using var listener = NetworkNamespace.Run(serverNs, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        using var client = NetworkNamespace.Run(clientNs, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        listener.Bind(new IPEndPoint(serverAddress, 0));
        listener.Listen(1);
        var echo = EchoOneConnectionAsync(listener, bytes, limit.Token);
        var payload = RandomNumberGenerator.GetBytes(bytes);
        var back = new byte[bytes];
        var clock = Stopwatch.StartNew();
        try
        {
            await client.ConnectAsync(listener.LocalEndPoint!, limit.Token);
            var sending = SendAllAsync(client, payload, limit.Token);
            var received = await ReceiveExactlyAsync(client, back, limit.Token);
            clock.Stop();
            await sending;
            await echo;
            return received == bytes && back.AsSpan().SequenceEqual(payload)
                ? new PayloadResult(true, bytes, clock.Elapsed, null)
                : new PayloadResult(false, bytes, clock.Elapsed, $"echo differs: {received} of {bytes} bytes back");
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            return new PayloadResult(false, bytes, clock.Elapsed, Describe(e));
        }
    }

    private static async Task EchoOneDatagramAsync(Socket server, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            var got = await server.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cancellationToken);
            await server.SendToAsync(buffer.AsMemory(0, got.ReceivedBytes), SocketFlags.None, got.RemoteEndPoint, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The client reports the timeout.
        }
    }

    private static async Task EchoOneConnectionAsync(Socket listener, int bytes, CancellationToken cancellationToken)
    {
        try
        {
            using var connection = await listener.AcceptAsync(cancellationToken);
            var buffer = new byte[bytes];
            var received = await ReceiveExactlyAsync(connection, buffer, cancellationToken);
            await SendAllAsync(connection, buffer.AsMemory(0, received), cancellationToken);
            connection.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            // The client reports the failure.
        }
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var sent = await socket.SendAsync(data, SocketFlags.None, cancellationToken);
            data = data[sent..];
        }
    }

    private static async Task<int> ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await socket.ReceiveAsync(buffer[total..], SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private static int DeadlineSeconds(int count) => 2 + (count / 5);

    private static string Describe(Exception e) => e is OperationCanceledException ? "timed out" : e.Message;

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
