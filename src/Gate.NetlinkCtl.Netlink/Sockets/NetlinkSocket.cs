using System.Runtime.InteropServices;
using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink.Sockets;

/// <summary>
/// One AF_NETLINK/NETLINK_ROUTE socket: CLOEXEC, a receive timeout, extended acks, strict checking, capped
/// acks and a large receive buffer. Sends datagrams and receives them only from the kernel (port 0).
/// </summary>
internal sealed class NetlinkSocket : IDisposable
{
    /// <summary>Receive buffer asked for: big dumps and batch acks queue up here (needs CAP_NET_ADMIN to exceed rmem_max).</summary>
    public const int ReceiveBufferBytes = 8 * 1024 * 1024;

    private readonly NetlinkSocketHandle _handle;

    private NetlinkSocket(NetlinkSocketHandle handle, uint portId, int receiveBuffer)
    {
        _handle = handle;
        PortId = portId;
        ReceiveBuffer = receiveBuffer;
    }

    /// <summary>The port id the kernel assigned to this socket.</summary>
    public uint PortId { get; }

    /// <summary>The receive buffer the kernel granted, in bytes (what queued replies may occupy before ENOBUFS).</summary>
    public int ReceiveBuffer { get; }

    /// <summary>Opens a socket in the current namespace, or inside <paramref name="netns"/> when given.</summary>
    /// <param name="netns">Named network namespace, or null for the caller's.</param>
    /// <param name="receiveTimeout">How long a receive waits.</param>
    /// <param name="groups">Multicast groups to join.</param>
    /// <param name="protocol">NETLINK_ROUTE unless said otherwise (NETLINK_NETFILTER for <see cref="NfTables"/>).</param>
    public static NetlinkSocket Open(string? netns, TimeSpan receiveTimeout, IReadOnlyList<uint>? groups = null, int protocol = Interop.NetlinkRoute) =>
        netns is null
            ? OpenHere(receiveTimeout, groups, protocol)
            : NetworkNamespace.Run(netns, () => OpenHere(receiveTimeout, groups, protocol));

    private static unsafe NetlinkSocket OpenHere(TimeSpan receiveTimeout, IReadOnlyList<uint>? groups, int protocol)
    {
        var handle = Interop.socket(NlFamily.Netlink, Interop.SockRaw | Interop.SockCloexec, protocol);
        if (handle.IsInvalid)
        {
            throw Fail(protocol == Interop.NetlinkRoute ? "socket(AF_NETLINK, NETLINK_ROUTE)" : $"socket(AF_NETLINK, protocol {protocol})");
        }

        try
        {
            SetOption(handle, NetlinkSockOpt.SolNetlink, NetlinkSockOpt.ExtAck, 1, "NETLINK_EXT_ACK");
            SetOption(handle, NetlinkSockOpt.SolNetlink, NetlinkSockOpt.GetStrictChk, 1, "NETLINK_GET_STRICT_CHK");
            SetOption(handle, NetlinkSockOpt.SolNetlink, NetlinkSockOpt.CapAck, 1, "NETLINK_CAP_ACK");
            SetBuffer(handle, Interop.SoRcvBufForce, Interop.SoRcvBuf, ReceiveBufferBytes);
            SetBuffer(handle, Interop.SoSndBufForce, Interop.SoSndBuf, 1024 * 1024);
            var timeout = new Interop.TimeVal
            {
                Seconds = (long)receiveTimeout.TotalSeconds,
                Microseconds = receiveTimeout.Microseconds + (receiveTimeout.Milliseconds * 1000L),
            };
            if (Interop.setsockopt(handle, Interop.SolSocket, Interop.SoRcvTimeo, &timeout, sizeof(Interop.TimeVal)) != 0)
            {
                throw Fail("setsockopt SO_RCVTIMEO");
            }

            var address = new Interop.SockAddrNetlink { Family = NlFamily.Netlink };
            if (Interop.bind(handle, &address, sizeof(Interop.SockAddrNetlink)) != 0)
            {
                throw Fail("bind(AF_NETLINK)");
            }

            foreach (var group in groups ?? [])
            {
                SetOption(handle, NetlinkSockOpt.SolNetlink, NetlinkSockOpt.AddMembership, (int)group, $"NETLINK_ADD_MEMBERSHIP {group}");
            }

            var length = sizeof(Interop.SockAddrNetlink);
            if (Interop.getsockname(handle, &address, &length) != 0)
            {
                throw Fail("getsockname(AF_NETLINK)");
            }

            int granted = 0, grantedLength = sizeof(int);
            if (Interop.getsockopt(handle, Interop.SolSocket, Interop.SoRcvBuf, &granted, &grantedLength) != 0)
            {
                throw Fail("getsockopt SO_RCVBUF");
            }

            return new NetlinkSocket(handle, address.PortId, granted);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Sends one datagram (one or more messages) to the kernel.</summary>
    public unsafe void Send(ReadOnlySpan<byte> datagram, string what)
    {
        fixed (byte* p = datagram)
        {
            while (true)
            {
                var sent = Interop.send(_handle, p, (nuint)datagram.Length, 0);
                if (sent >= 0)
                {
                    return;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno != ErrnoNames.EINTR)
                {
                    throw new NetlinkException(errno, $"send {what}");
                }
            }
        }
    }

    /// <summary>
    /// Receives one datagram from the kernel into <paramref name="buffer"/> and returns its length, or -1 when the
    /// receive timeout passed. Datagrams from other sockets are dropped; a datagram larger than the buffer throws.
    /// </summary>
    public unsafe int Receive(Span<byte> buffer, string what)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var from = default(Interop.SockAddrNetlink);
                var fromLength = sizeof(Interop.SockAddrNetlink);
                var received = Interop.recvfrom(_handle, p, (nuint)buffer.Length, Interop.MsgTrunc, &from, &fromLength);
                if (received < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == ErrnoNames.EINTR)
                    {
                        continue;
                    }

                    if (errno == ErrnoNames.EAGAIN)
                    {
                        return -1;
                    }

                    throw new NetlinkException(errno, $"receive {what}");
                }

                if (received > buffer.Length)
                {
                    throw new NetlinkException($"receive {what}: a {received}-byte datagram did not fit the {buffer.Length}-byte buffer");
                }

                if (from.PortId != 0)
                {
                    continue; // not from the kernel
                }

                return (int)received;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();

    private static unsafe void SetOption(NetlinkSocketHandle handle, int level, int name, int value, string what)
    {
        if (Interop.setsockopt(handle, level, name, &value, sizeof(int)) != 0)
        {
            throw Fail($"setsockopt {what}");
        }
    }

    private static unsafe void SetBuffer(NetlinkSocketHandle handle, int forced, int plain, int bytes)
    {
        // The FORCE variant ignores rmem_max/wmem_max but needs CAP_NET_ADMIN; without it take what is allowed.
        if (Interop.setsockopt(handle, Interop.SolSocket, forced, &bytes, sizeof(int)) != 0)
        {
            _ = Interop.setsockopt(handle, Interop.SolSocket, plain, &bytes, sizeof(int));
        }
    }

    private static NetlinkException Fail(string what) => new(Marshal.GetLastPInvokeError(), what);
}
