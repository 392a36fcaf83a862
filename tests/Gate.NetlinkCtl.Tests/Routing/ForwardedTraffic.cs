using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CliWrap;
using CliWrap.Buffered;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Routing;

/// <summary>Real traffic through a routing or gateway peer, and the sysctl view of what gatectl set, for its end-to-end tests.</summary>
internal static class ForwardedTraffic
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A sysctl as the kernel reports it (e.g. <c>net.ipv4.conf.ub.forwarding</c>).</summary>
    public static async Task<string> SysctlAsync(TestNamespace ns, string key) => (await ns.ExecAsync("sysctl", "-n", key)).Trim();

    /// <summary>
    /// <paramref name="count"/> echo requests 0.2 s apart, within <paramref name="count"/> seconds in all, from
    /// <paramref name="source"/> when given; true when they were answered. A negative check sends one, for one second
    /// (on these segments a reply takes well under a millisecond).
    /// </summary>
    public static async Task<bool> PingsAsync(TestNamespace from, IPAddress target, int count = 3, IPAddress? source = null)
    {
        var seconds = count.ToString(CultureInfo.InvariantCulture);
        string[] sourceOption = source is null ? [] : ["-I", source.ToString()];
        var result = await Cli.Wrap("ip")
            .WithArguments(["netns", "exec", from.Name, "ping", "-c", seconds, "-i", "0.2", "-W", "1", "-w", seconds, .. sourceOption, target.ToString()])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Token);
        return result.ExitCode == 0;
    }

    /// <summary>
    /// A TCP connection from <paramref name="client"/> (from <paramref name="source"/> when given) to a listener on
    /// <paramref name="listenOn"/> in <paramref name="server"/>: the address the server sees as its peer.
    /// </summary>
    public static async Task<IPAddress> TcpSourceSeenAsync(TestNamespace client, TestNamespace server, IPAddress listenOn, IPAddress? source = null)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Token);
        limit.CancelAfter(TimeSpan.FromSeconds(5));
        using var listener = server.CreateInside(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        using var socket = client.CreateInside(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        listener.Bind(new IPEndPoint(listenOn, 0));
        listener.Listen(1);
        if (source is not null)
        {
            socket.Bind(new IPEndPoint(source, 0));
        }

        var accept = listener.AcceptAsync(limit.Token);
        await socket.ConnectAsync(listener.LocalEndPoint!, limit.Token);
        using var accepted = await accept;
        return ((IPEndPoint)accepted.RemoteEndPoint!).Address;
    }
}
