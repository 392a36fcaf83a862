using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gate.NetlinkCtl.Netlink.Sockets;

namespace Gate.NetlinkCtl.Health;

/// <summary>Which kind of socket sends the echo requests.</summary>
internal enum IcmpSocketKind
{
    /// <summary>An ICMP "ping socket" (SOCK_DGRAM, IPPROTO_ICMP): no capability, allowed when the process's group is in net.ipv4.ping_group_range.</summary>
    Ping,

    /// <summary>A raw ICMP socket (SOCK_RAW): needs CAP_NET_RAW; used only when ping sockets are refused.</summary>
    Raw,
}

/// <summary>
/// One ICMP echo socket in a network namespace. It prefers a ping socket (least privilege: no CAP_NET_RAW, the kernel
/// assigns the identifier and delivers only this socket's replies) and falls back to a raw socket when the namespace's
/// net.ipv4.ping_group_range leaves the process's group out. Requests go one at a time: send, wait for the matching
/// reply or the timeout.
/// </summary>
internal sealed class IcmpEchoSocket : IDisposable
{
    private const byte EchoRequest = 8;
    private const byte EchoReply = 0;
    private const int HeaderBytes = 8;
    private const int PayloadBytes = 24;
    private const int IpHeaderBytes = 20;
    private const int SolIp = 0;
    private const int IpMtuDiscover = 10;
    private const int IpPmtuDiscProbe = 3;
    private const int EPERM = 1;
    private const int EACCES = 13;
    private readonly Socket _socket;
    private readonly ushort _identifier;
    // Replies are as large as their requests, and a path MTU probe sends packets as large as the gate's MTU.
    private readonly byte[] _receive = new byte[ushort.MaxValue];

    private IcmpEchoSocket(Socket socket, IcmpSocketKind kind, ushort identifier)
    {
        // .NET receives only on a bound socket; port 0 lets a ping socket's kernel pick its identifier.
        socket.Bind(new IPEndPoint(IPAddress.Any, 0));
        _socket = socket;
        Kind = kind;
        _identifier = identifier;
    }

    /// <summary>The kind of socket in use.</summary>
    public IcmpSocketKind Kind { get; }

    /// <summary>The size of the IP packet of an ordinary request (IP header, ICMP header, payload): the smallest this socket sends.</summary>
    public static int SmallestPacketBytes => IpHeaderBytes + HeaderBytes + PayloadBytes;

    /// <summary>
    /// Sets Don't Fragment on every request from now on, and ignores what this host has learned of the path's MTU
    /// (IP_PMTUDISC_PROBE): a request larger than the path carries is lost, not split, which is what a path MTU
    /// probe needs to see.
    /// </summary>
    public void ForbidFragmentation() => _socket.SetRawSocketOption(SolIp, IpMtuDiscover, BitConverter.GetBytes(IpPmtuDiscProbe));

    /// <summary>Opens a socket in <paramref name="netns"/> (null: this process's namespace); throws <see cref="ProbeUnavailableException"/> when neither kind is allowed.</summary>
    public static IcmpEchoSocket Open(string? netns)
    {
        try
        {
            return netns is null ? OpenHere() : NetworkNamespace.Run(netns, OpenHere);
        }
        catch (Exception e) when (e is not ProbeUnavailableException)
        {
            throw new ProbeUnavailableException($"cannot open an ICMP socket in network namespace '{netns}': {e.Message}", e);
        }
    }

    private static IcmpEchoSocket OpenHere()
    {
        var identifier = (ushort)Random.Shared.Next(1, ushort.MaxValue);
        try
        {
            return new IcmpEchoSocket(new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Icmp), IcmpSocketKind.Ping, identifier);
        }
        catch (SocketException pingRefused)
        {
            try
            {
                return new IcmpEchoSocket(new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp), IcmpSocketKind.Raw, identifier);
            }
            catch (SocketException rawRefused)
            {
                throw new ProbeUnavailableException(Refusal(pingRefused.SocketErrorCode, rawRefused.SocketErrorCode, ReadPingGroupRange()), rawRefused);
            }
        }
    }

    /// <summary>Why neither kind of ICMP socket opened, and what to do, from the errors socket() gave.</summary>
    internal static string Refusal(SocketError ping, SocketError raw, string pingGroupRange) =>
        ping == SocketError.AddressFamilyNotSupported
            // EAFNOSUPPORT for every IPv4 socket: a seccomp filter (systemd's RestrictAddressFamilies=), not the sysctl.
            ? "cannot send ICMP echo: this process may not open IPv4 sockets at all (AddressFamilyNotSupported), as under gatectl.service, "
                + "whose RestrictAddressFamilies= allows only AF_NETLINK AF_UNIX and whose IPAddressDeny=any drops every IP packet; "
                + "add a drop-in /etc/systemd/system/gatectl.service.d/health.conf with RestrictAddressFamilies=AF_NETLINK AF_UNIX AF_INET "
                + "and IPAddressAllow= the gate's device subnet, then systemctl daemon-reload and systemctl restart gatectl"
            : $"cannot send ICMP echo: ping sockets are refused ({ping}: this process's group is outside net.ipv4.ping_group_range, "
                + $"'{pingGroupRange}') and raw sockets need CAP_NET_RAW ({raw}); "
                + "allow ping sockets for the group, e.g. sysctl -w net.ipv4.ping_group_range='0 0' for root's group "
                + "(persist it in /etc/sysctl.d/, e.g. 60-gatectl-ping.conf)";

    /// <summary>Why an echo request to <paramref name="target"/> was refused on its way out, and what to do.</summary>
    internal static string SendRefusal(IPAddress target, SocketError error) =>
        $"cannot send ICMP echo to {target}: this host refused the packet before it left ({error}), as gatectl.service's "
            + "IPAddressDeny=any does for addresses no IPAddressAllow= line covers, or a firewall rule on output; list the gate's device "
            + "subnet (where its targets are) as IPAddressAllow= in the drop-in /etc/systemd/system/gatectl.service.d/health.conf, then "
            + "systemctl daemon-reload and systemctl restart gatectl (or allow ICMP to it in the firewall)";

    private static bool IsRefusedLocally(SocketException e) =>
        e.SocketErrorCode == SocketError.AccessDenied || e.NativeErrorCode is EPERM or EACCES;

    private static string ReadPingGroupRange()
    {
        try
        {
            return File.ReadAllText("/proc/sys/net/ipv4/ping_group_range").Trim().Replace('\t', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Under gatectl.service, ProcSubset=pid leaves /proc/sys out of the daemon's /proc.
            return "unreadable here, as under gatectl.service's ProcSubset=pid; sysctl net.ipv4.ping_group_range shows it";
        }
    }

    /// <summary>
    /// Sends one echo request to <paramref name="target"/> and returns the round trip, or null when no reply came within
    /// <paramref name="timeout"/>. <paramref name="packetBytes"/> sizes the whole IP packet (0, or less than
    /// <see cref="SmallestPacketBytes"/>: the ordinary size).
    /// </summary>
    public async Task<TimeSpan?> EchoAsync(IPAddress target, ushort sequence, TimeSpan timeout, CancellationToken cancellationToken, int packetBytes = 0)
    {
        var request = new byte[Math.Max(HeaderBytes + PayloadBytes, packetBytes - IpHeaderBytes)];
        request[0] = EchoRequest;
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(4), _identifier);
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(6), sequence);
        "gatectl health probe"u8.CopyTo(request.AsSpan(HeaderBytes));
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(2), InternetChecksum.Of(request));

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await _socket.SendToAsync(request, SocketFlags.None, new IPEndPoint(target, 0), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e) when (IsRefusedLocally(e))
        {
            // EPERM/EACCES before the packet left: a policy of this host (systemd's IPAddressDeny=, a firewall's output
            // rule), not the network. Probing cannot tell anything about the overlay until it is lifted.
            throw new ProbeUnavailableException(SendRefusal(target, e.SocketErrorCode), e);
        }
        catch (SocketException)
        {
            // No route, a full queue, a local firewall's reject: the request is lost as far as the probe can tell.
            return null;
        }

        try
        {
            while (true)
            {
                var received = await _socket.ReceiveFromAsync(_receive, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), deadline.Token).ConfigureAwait(false);
                if (IsReply(_receive.AsSpan(0, received.ReceivedBytes), target, received.RemoteEndPoint, sequence))
                {
                    return Stopwatch.GetElapsedTime(started);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (SocketException)
        {
            // A ping socket may report an ICMP error its request met (a fatal one, such as port or protocol unreachable)
            // as an error on the socket. Either way no reply came; the next request starts afresh.
            return null;
        }
    }

    private bool IsReply(ReadOnlySpan<byte> datagram, IPAddress target, EndPoint from, ushort sequence)
    {
        if (from is not IPEndPoint source || !source.Address.Equals(target))
        {
            return false;
        }

        // A raw socket sees the IP header and every ICMP message of the namespace; a ping socket only its own, header-less.
        var icmp = datagram;
        if (Kind == IcmpSocketKind.Raw)
        {
            if (datagram.Length < 20)
            {
                return false;
            }

            icmp = datagram[((datagram[0] & 0x0f) * 4)..];
        }

        return icmp.Length >= HeaderBytes
            && icmp[0] == EchoReply
            && (Kind == IcmpSocketKind.Ping || BinaryPrimitives.ReadUInt16BigEndian(icmp[4..]) == _identifier)
            && BinaryPrimitives.ReadUInt16BigEndian(icmp[6..]) == sequence;
    }

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();
}

/// <summary>ICMP echo cannot be sent from this process (neither a ping socket nor a raw socket is allowed).</summary>
internal sealed class ProbeUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProbeUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ProbeUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ProbeUnavailableException()
        : base("ICMP echo is not available")
    {
    }
}
