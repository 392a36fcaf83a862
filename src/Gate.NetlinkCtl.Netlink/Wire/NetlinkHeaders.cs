using System.Runtime.InteropServices;

namespace Gate.NetlinkCtl.Netlink.Wire;

/// <summary>struct nlmsghdr: every netlink message starts with it (16 bytes, host byte order).</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct NlMsgHeader(uint Length, ushort Type, ushort Flags, uint Sequence, uint PortId)
{
    public const int Size = 16;
}

/// <summary>struct ifinfomsg: the fixed part of RTM_*LINK messages (16 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct IfInfoHeader(byte Family, byte Pad, ushort Type, int Index, uint Flags, uint Change)
{
    public const int Size = 16;
}

/// <summary>struct ifaddrmsg: the fixed part of RTM_*ADDR messages (8 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct IfAddrHeader(byte Family, byte PrefixLength, byte Flags, byte Scope, int Index)
{
    public const int Size = 8;
}

/// <summary>struct ndmsg: the fixed part of RTM_*NEIGH messages (12 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct NdHeader(byte Family, byte Pad1, ushort Pad2, int Index, ushort State, byte Flags, byte Type)
{
    public const int Size = 12;
}

/// <summary>struct rtmsg: the fixed part of RTM_*ROUTE messages (12 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct RtHeader(
    byte Family, byte DstLength, byte SrcLength, byte Tos, byte Table, byte Protocol, byte Scope, byte Type, uint Flags)
{
    public const int Size = 12;
}
