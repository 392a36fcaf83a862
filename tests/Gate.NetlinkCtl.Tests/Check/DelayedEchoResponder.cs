using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gate.NetlinkCtl.Health;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Check;

/// <summary>
/// Answers ICMP echo in a namespace after a fixed delay, in place of the kernel (whose own answer is switched off there):
/// the delay netem would add, on kernels built without sch_netem. Stops and restores the kernel's answer when disposed.
/// </summary>
internal sealed class DelayedEchoResponder : IAsyncDisposable
{
    private readonly string _ns;
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private DelayedEchoResponder(string ns, Socket socket, TimeSpan delay)
    {
        _ns = ns;
        _socket = socket;
        _loop = Task.Run(() => AnswerAsync(delay));
    }

    public static async Task<DelayedEchoResponder> StartAsync(string ns, TimeSpan delay)
    {
        await TestNamespace.RunAsync("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv4.icmp_echo_ignore_all=1"]);
        var socket = Gate.NetlinkCtl.Netlink.Sockets.NetworkNamespace.Run(ns, () => new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp));
        socket.Bind(new IPEndPoint(IPAddress.Any, 0));
        return new DelayedEchoResponder(ns, socket, delay);
    }

    private async Task AnswerAsync(TimeSpan delay)
    {
        var buffer = new byte[2048];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                var headerLength = (buffer[0] & 0x0f) * 4;
                var icmp = buffer.AsSpan(headerLength, received.ReceivedBytes - headerLength);
                if (icmp.Length < 8 || icmp[0] != 8)
                {
                    continue;
                }

                var reply = icmp.ToArray();
                reply[0] = 0;
                reply[2] = reply[3] = 0;
                BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(2), InternetChecksum.Of(reply));
                var to = (IPEndPoint)received.RemoteEndPoint;
                _ = ReplyLateAsync(reply, to, Stopwatch.GetTimestamp(), delay);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }

    // Task.Delay may wake a little early; the reply never leaves before the full delay.
    private async Task ReplyLateAsync(byte[] reply, IPEndPoint to, long received, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _stop.Token);
            while (Stopwatch.GetElapsedTime(received) < delay)
            {
                await Task.Yield();
            }

            await _socket.SendToAsync(reply, SocketFlags.None, to, _stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _loop;
        _stop.Dispose();
        await TestNamespace.RunAsync("ip", ["netns", "exec", _ns, "sysctl", "-qw", "net.ipv4.icmp_echo_ignore_all=0"]);
    }
}
