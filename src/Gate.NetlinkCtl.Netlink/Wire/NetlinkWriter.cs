using System.Buffers.Binary;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Gate.NetlinkCtl.Netlink.Wire;

/// <summary>Where a message started: <see cref="NetlinkWriter.EndMessage"/> fills its length.</summary>
internal readonly record struct MessageToken(int Start);

/// <summary>Where a nested attribute started: <see cref="NetlinkWriter.EndNested"/> fills its length.</summary>
internal readonly record struct NestToken(int Start);

/// <summary>
/// Writes netlink messages into a caller's span: header, fixed family header, attributes, with
/// every attribute padded to 4 bytes. Lengths of messages and nests are filled in by their end tokens.
/// </summary>
internal ref struct NetlinkWriter
{
    private const int AttributeHeaderSize = 4;
    private readonly Span<byte> _buffer;
    private int _position;

    /// <summary>Writes into <paramref name="buffer"/> from its start.</summary>
    public NetlinkWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Length => _position;

    /// <summary>The bytes written so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer[.._position];

    /// <summary>Rounds a length up to netlink's 4-byte alignment.</summary>
    public static int Align(int length) => (length + 3) & ~3;

    /// <summary>Starts a message: an nlmsghdr whose length is filled by <see cref="EndMessage"/>.</summary>
    public MessageToken BeginMessage(ushort type, ushort flags, uint sequence = 0, uint portId = 0)
    {
        var start = _position;
        Write(new NlMsgHeader(0, type, flags, sequence, portId));
        return new MessageToken(start);
    }

    /// <summary>Ends a message: writes its total length into its header.</summary>
    public void EndMessage(MessageToken token)
    {
        if (token.Start + NlMsgHeader.Size > _position)
        {
            ThrowHelper.ThrowUnbalanced("message");
        }

        MemoryMarshal.Write(_buffer[token.Start..], (uint)(_position - token.Start));
    }

    /// <summary>Writes a fixed-size header struct (ifinfomsg, ndmsg, ...) in host byte order.</summary>
    public void Write<T>(in T header)
        where T : unmanaged
    {
        var size = Unsafe.SizeOf<T>();
        var span = Reserve(Align(size));
        MemoryMarshal.Write(span, in header);
        span[size..].Clear();
    }

    /// <summary>Writes raw bytes (a pre-built payload), padded to 4 bytes.</summary>
    public void WriteRaw(scoped ReadOnlySpan<byte> bytes)
    {
        var span = Reserve(Align(bytes.Length));
        bytes.CopyTo(span);
        span[bytes.Length..].Clear();
    }

    /// <summary>Writes an attribute with raw bytes as value.</summary>
    public void WriteAttribute(ushort type, scoped ReadOnlySpan<byte> value)
    {
        var length = AttributeHeaderSize + value.Length;
        var span = Reserve(Align(length));
        MemoryMarshal.Write(span, (ushort)length);
        MemoryMarshal.Write(span[2..], type);
        value.CopyTo(span[AttributeHeaderSize..]);
        span[length..].Clear();
    }

    /// <summary>Writes a u8 attribute.</summary>
    public void WriteU8(ushort type, byte value) => WriteAttribute(type, [value]);

    /// <summary>Writes a u16 attribute in host byte order.</summary>
    public void WriteU16(ushort type, ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        MemoryMarshal.Write(bytes, value);
        WriteAttribute(type, bytes);
    }

    /// <summary>Writes a u16 attribute in network byte order (ports).</summary>
    public void WriteBigEndianU16(ushort type, ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        WriteAttribute(type, bytes);
    }

    /// <summary>Writes a u32 attribute in host byte order.</summary>
    public void WriteU32(ushort type, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        MemoryMarshal.Write(bytes, value);
        WriteAttribute(type, bytes);
    }

    /// <summary>Writes a NUL-terminated string attribute.</summary>
    public void WriteString(ushort type, string value)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        Span<byte> bytes = byteCount < 256 ? stackalloc byte[byteCount + 1] : new byte[byteCount + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        bytes[^1] = 0;
        WriteAttribute(type, bytes);
    }

    /// <summary>Writes an IPv4 or IPv6 address attribute (network byte order, 4 or 16 bytes).</summary>
    public void WriteAddress(ushort type, IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        WriteAttribute(type, bytes[..written]);
    }

    /// <summary>Starts a nested attribute (NLA_F_NESTED set); <see cref="EndNested"/> fills its length.</summary>
    public NestToken BeginNested(ushort type)
    {
        var start = _position;
        var span = Reserve(AttributeHeaderSize);
        MemoryMarshal.Write(span[2..], (ushort)(type | NlaFlags.Nested));
        return new NestToken(start);
    }

    /// <summary>Ends a nested attribute: its length covers every (padded) child.</summary>
    public void EndNested(NestToken token)
    {
        if (token.Start + AttributeHeaderSize > _position)
        {
            ThrowHelper.ThrowUnbalanced("nested attribute");
        }

        MemoryMarshal.Write(_buffer[token.Start..], (ushort)(_position - token.Start));
    }

    private Span<byte> Reserve(int length)
    {
        if (_buffer.Length - _position < length)
        {
            ThrowHelper.ThrowBufferFull(length, _buffer.Length - _position);
        }

        var span = _buffer.Slice(_position, length);
        _position += length;
        return span;
    }
}
