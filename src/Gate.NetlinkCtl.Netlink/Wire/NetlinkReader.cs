using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Gate.NetlinkCtl.Netlink.Wire;

/// <summary>
/// Walks the netlink messages in a received datagram. Every length is checked before it is used;
/// malformed input throws <see cref="NetlinkDecodeException"/> and nothing else.
/// </summary>
internal ref struct NetlinkMessageReader
{
    private ReadOnlySpan<byte> _remaining;

    /// <summary>Reads the messages in <paramref name="datagram"/>.</summary>
    public NetlinkMessageReader(ReadOnlySpan<byte> datagram) => _remaining = datagram;

    /// <summary>Reads the next message's header and payload; false at the end.</summary>
    public bool TryRead(out NlMsgHeader header, out ReadOnlySpan<byte> payload)
    {
        if (_remaining.IsEmpty)
        {
            header = default;
            payload = default;
            return false;
        }

        if (_remaining.Length < NlMsgHeader.Size)
        {
            ThrowHelper.ThrowTruncated("nlmsghdr", NlMsgHeader.Size, _remaining.Length);
        }

        header = MemoryMarshal.Read<NlMsgHeader>(_remaining);
        if (header.Length < NlMsgHeader.Size || header.Length > (uint)_remaining.Length)
        {
            ThrowHelper.ThrowBadLength("nlmsghdr", (int)Math.Min(header.Length, int.MaxValue));
        }

        var length = (int)header.Length;
        payload = _remaining[NlMsgHeader.Size..length];
        _remaining = _remaining[Math.Min(NetlinkWriter.Align(length), _remaining.Length)..];
        return true;
    }
}

/// <summary>
/// Walks a run of attributes (the tail of a message or a nest's value). Unknown types are the caller's to skip;
/// the reader only guarantees every value lies inside the input.
/// </summary>
internal ref struct NetlinkAttributeReader
{
    private ReadOnlySpan<byte> _remaining;

    /// <summary>Reads the attributes in <paramref name="attributes"/>.</summary>
    public NetlinkAttributeReader(ReadOnlySpan<byte> attributes) => _remaining = attributes;

    /// <summary>Reads the next attribute; its type has the nested/byte-order flags masked off. False at the end.</summary>
    public bool TryRead(out ushort type, out ReadOnlySpan<byte> value)
    {
        if (_remaining.IsEmpty)
        {
            type = 0;
            value = default;
            return false;
        }

        if (_remaining.Length < 4)
        {
            ThrowHelper.ThrowTruncated("attribute header", 4, _remaining.Length);
        }

        var length = MemoryMarshal.Read<ushort>(_remaining);
        if (length < 4 || length > _remaining.Length)
        {
            ThrowHelper.ThrowBadLength("attribute", length);
        }

        type = (ushort)(MemoryMarshal.Read<ushort>(_remaining[2..]) & NlaFlags.TypeMask);
        value = _remaining[4..length];
        _remaining = _remaining[Math.Min(NetlinkWriter.Align(length), _remaining.Length)..];
        return true;
    }
}

/// <summary>Typed views of attribute values and fixed headers, each checking its size first.</summary>
internal static class NetlinkValue
{
    /// <summary>Reads a fixed header struct from the front of a payload and returns the rest (the attributes).</summary>
    public static T ReadHeader<T>(ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> attributes)
        where T : unmanaged
    {
        var size = Unsafe.SizeOf<T>();
        if (payload.Length < size)
        {
            ThrowHelper.ThrowTruncated(WireName<T>(), size, payload.Length);
        }

        attributes = payload[Math.Min(NetlinkWriter.Align(size), payload.Length)..];
        return MemoryMarshal.Read<T>(payload);
    }

    /// <summary>The kernel's name of a fixed header struct, for error messages.</summary>
    private static string WireName<T>() => typeof(T) == typeof(IfInfoHeader) ? "ifinfomsg"
        : typeof(T) == typeof(IfAddrHeader) ? "ifaddrmsg"
        : typeof(T) == typeof(NdHeader) ? "ndmsg"
        : typeof(T) == typeof(RtHeader) ? "rtmsg"
        : typeof(T) == typeof(NlMsgHeader) ? "nlmsghdr"
        : typeof(T).Name;

    /// <summary>A u8 value.</summary>
    public static byte U8(ushort type, ReadOnlySpan<byte> value)
    {
        Expect(type, value, 1);
        return value[0];
    }

    /// <summary>A u16 value in host byte order.</summary>
    public static ushort U16(ushort type, ReadOnlySpan<byte> value)
    {
        Expect(type, value, 2);
        return MemoryMarshal.Read<ushort>(value);
    }

    /// <summary>A u16 value in network byte order.</summary>
    public static ushort BigEndianU16(ushort type, ReadOnlySpan<byte> value)
    {
        Expect(type, value, 2);
        return BinaryPrimitives.ReadUInt16BigEndian(value);
    }

    /// <summary>A u32 value in host byte order.</summary>
    public static uint U32(ushort type, ReadOnlySpan<byte> value)
    {
        Expect(type, value, 4);
        return MemoryMarshal.Read<uint>(value);
    }

    /// <summary>A string, up to its first NUL (or the whole value when there is none).</summary>
    public static string String(ReadOnlySpan<byte> value)
    {
        var end = value.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? value : value[..end]);
    }

    /// <summary>An IPv4 (4 bytes) or IPv6 (16 bytes) address.</summary>
    public static IPAddress Address(ushort type, ReadOnlySpan<byte> value)
    {
        if (value.Length is not (4 or 16))
        {
            ThrowHelper.ThrowBadAttributeSize(type, 4, value.Length);
        }

        return new IPAddress(value);
    }

    /// <summary>A link-layer address of any length.</summary>
    public static PhysicalAddress LinkLayerAddress(ReadOnlySpan<byte> value) => new(value.ToArray());

    private static void Expect(ushort type, ReadOnlySpan<byte> value, int size)
    {
        if (value.Length < size)
        {
            ThrowHelper.ThrowBadAttributeSize(type, size, value.Length);
        }
    }
}
