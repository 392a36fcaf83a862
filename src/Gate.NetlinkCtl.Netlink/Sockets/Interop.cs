using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Gate.NetlinkCtl.Netlink.Sockets;

/// <summary>The libc calls the socket needs; source-generated marshalling keeps them AOT-safe.</summary>
internal static partial class Interop
{
    public const int SolSocket = 1;
    public const int SoSndBuf = 7;
    public const int SoRcvBuf = 8;
    public const int SoRcvTimeo = 20;
    public const int SoSndBufForce = 32;
    public const int SoRcvBufForce = 33;
    public const int SockRaw = 3;
    public const int SockCloexec = 0x80000;
    public const int NetlinkRoute = 0;
    public const int NetlinkNetfilter = 12;
    public const int MsgTrunc = 0x20;
    public const int OReadOnly = 0;
    public const int OCloexec = 0x80000;
    public const int CloneNewNet = 0x40000000;

    /// <summary>struct sockaddr_nl.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockAddrNetlink
    {
        public ushort Family;
        public ushort Pad;
        public uint PortId;
        public uint Groups;
    }

    /// <summary>struct timeval (64-bit).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }

    [LibraryImport("libc", SetLastError = true)]
    public static partial NetlinkSocketHandle socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial int bind(NetlinkSocketHandle fd, SockAddrNetlink* address, int addressLength);

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial int getsockname(NetlinkSocketHandle fd, SockAddrNetlink* address, int* addressLength);

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial int setsockopt(NetlinkSocketHandle fd, int level, int name, void* value, int length);

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial int getsockopt(NetlinkSocketHandle fd, int level, int name, void* value, int* length);

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial nint send(NetlinkSocketHandle fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial nint recvfrom(
        NetlinkSocketHandle fd, byte* buffer, nuint length, int flags, SockAddrNetlink* from, int* fromLength);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial SafeFileHandle open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int setns(SafeFileHandle fd, int nstype);

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int stat(string path, byte* buffer);
}

/// <summary>Owns a socket file descriptor and closes it exactly once.</summary>
internal sealed class NetlinkSocketHandle : SafeHandleMinusOneIsInvalid
{
    public NetlinkSocketHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => Interop.close((int)handle) == 0;
}
