using System.Runtime.InteropServices;
using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink.Sockets;

/// <summary>Turns one reply message into a value, or null to leave it out.</summary>
internal delegate T? MessageDecoder<T>(in NlMsgHeader header, ReadOnlySpan<byte> payload);

/// <summary>A request of a batch that the kernel refused.</summary>
internal readonly record struct BatchError(int Index, int Errno, string? KernelMessage);

/// <summary>
/// Request/reply bookkeeping over one socket: sequence numbers, port id checks, ACKs, multi-part dumps
/// (retried when interrupted) and batches sent in chunks with every ACK tied back to its request.
/// Not thread-safe: one caller at a time.
/// </summary>
internal sealed class NetlinkConnection : IDisposable
{
    /// <summary>Most bytes put in one sendmsg of a batch.</summary>
    public const int BatchChunkBytes = 64 * 1024;

    /// <summary>Most requests per chunk: their ACKs must fit the receive buffer before they are read.</summary>
    public const int BatchChunkMessages = 1024;

    // What one queued ACK costs in the receive buffer (skb truesize), rounded up generously.
    private const int AckBufferCost = 1024;

    private const int DumpAttempts = 10;
    private readonly NetlinkSocket _socket;
    private readonly byte[] _receiveBuffer = new byte[64 * 1024];
    private readonly TimeSpan _timeout;
    private uint _sequence = (uint)Environment.TickCount;

    private NetlinkConnection(NetlinkSocket socket, TimeSpan timeout)
    {
        _socket = socket;
        _timeout = timeout;
        ChunkMessages = Math.Clamp(socket.ReceiveBuffer / AckBufferCost, 16, BatchChunkMessages);
    }

    /// <summary>Requests per batch chunk: as many as the granted receive buffer holds ACKs for (the kernel queues them all during sendmsg).</summary>
    public int ChunkMessages { get; }

    /// <summary>Opens a connection in the current namespace or in <paramref name="netns"/>.</summary>
    public static NetlinkConnection Open(string? netns, TimeSpan timeout, int protocol = Interop.NetlinkRoute) =>
        new(NetlinkSocket.Open(netns, timeout, protocol: protocol), timeout);

    /// <summary>Sends one request that asks for an ACK and waits for it; a refusal throws <see cref="NetlinkException"/>.</summary>
    public void Execute(Span<byte> message, string what)
    {
        var sequence = Stamp(message, NextSequence());
        _socket.Send(message, what);
        ReadReplies(() => what, (in NlMsgHeader header, ReadOnlySpan<byte> payload) =>
        {
            if (!IsOurs(header, sequence) || header.Type != NlMsgType.Error)
            {
                return false;
            }

            var (errno, kernelMessage) = ReadError(header, payload);
            return errno == 0 ? true : throw new NetlinkException(errno, what, kernelMessage);
        });
    }

    /// <summary>Sends a get request (no dump) and decodes the single reply; an error reply throws.</summary>
    public T Get<T>(Span<byte> message, string what, MessageDecoder<T> decode)
        where T : class
    {
        var sequence = Stamp(message, NextSequence());
        _socket.Send(message, what);
        T? reply = null;
        ReadReplies(() => what, (in NlMsgHeader header, ReadOnlySpan<byte> payload) =>
        {
            if (!IsOurs(header, sequence))
            {
                return false;
            }

            if (header.Type == NlMsgType.Error)
            {
                var (errno, kernelMessage) = ReadError(header, payload);
                throw new NetlinkException(errno == 0 ? ErrnoNames.ENOENT : errno, what, kernelMessage);
            }

            reply = decode(header, payload) ?? throw new NetlinkDecodeException($"the reply to {what} was not understood");
            return true;
        });
        return reply!;
    }

    /// <summary>Runs a dump to its NLMSG_DONE and decodes every part; an interrupted dump is run again.</summary>
    public List<T> Dump<T>(Span<byte> request, string what, MessageDecoder<T> decode)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (items, interrupted) = DumpOnce(request, what, decode);
            if (!interrupted)
            {
                return items;
            }

            if (attempt == DumpAttempts)
            {
                throw new NetlinkException(ErrnoNames.EINTR, what, $"the dump was interrupted by concurrent changes {DumpAttempts} times in a row");
            }
        }
    }

    /// <summary>
    /// Sends every message in <paramref name="messages"/> (each starting at the matching offset, asking for an ACK)
    /// in chunks, reads each chunk's ACKs before the next, and returns the requests the kernel refused.
    /// </summary>
    public List<BatchError> ExecuteBatch(Span<byte> messages, IReadOnlyList<int> offsets, string what)
    {
        var errors = new List<BatchError>();
        var first = 0;
        while (first < offsets.Count)
        {
            var chunkStart = offsets[first];
            var last = first;
            while (last + 1 < offsets.Count && last + 1 - first < ChunkMessages && End(offsets, last + 1, messages.Length) - chunkStart <= BatchChunkBytes)
            {
                last++;
            }

            var baseSequence = _sequence + 1;
            for (var i = first; i <= last; i++)
            {
                Stamp(messages[offsets[i]..], NextSequence());
            }

            _socket.Send(messages[chunkStart..End(offsets, last, messages.Length)], what);
            CollectAcks(baseSequence, first, last - first + 1, what, errors);
            first = last + 1;
        }

        return errors;
    }

    /// <summary>
    /// Sends an nfnetlink batch (<paramref name="messages"/>: BATCH_BEGIN, requests asking for an ACK, BATCH_END,
    /// each starting at the matching offset) in one datagram, as the kernel needs it, and waits for every request's
    /// ACK. Returns the refusals: a request's own (its index), or the whole transaction's (index 0, the kernel
    /// answers a failed commit on the BATCH_BEGIN message).
    /// </summary>
    public List<BatchError> ExecuteTransaction(Span<byte> messages, IReadOnlyList<int> offsets, string what)
    {
        var baseSequence = _sequence + 1;
        foreach (var offset in offsets)
        {
            Stamp(messages[offset..], NextSequence());
        }

        _socket.Send(messages, what);
        var errors = new List<BatchError>();
        var awaited = offsets.Count - 2; // every request between the delimiters asks for an ACK
        var acked = 0;
        if (awaited == 0)
        {
            return errors;
        }

        ReadReplies(() => $"{what} ({awaited - acked} of {awaited} ACKs missing)", (in NlMsgHeader header, ReadOnlySpan<byte> payload) =>
        {
            var index = header.Sequence - baseSequence;
            if (header.PortId != _socket.PortId || index >= (uint)offsets.Count || header.Type != NlMsgType.Error)
            {
                return false;
            }

            var (errno, kernelMessage) = ReadError(header, payload);
            if (index > 0 && index < offsets.Count - 1)
            {
                acked++;
            }

            if (errno != 0)
            {
                errors.Add(new BatchError((int)index, errno, kernelMessage));
                if (index == 0 && errors.Count == 1 && acked == 0 && IsBatchRefusal(errno))
                {
                    return true; // the subsystem refused the batch itself: no request was read, none will be ACKed
                }
            }

            return acked == awaited;
        });
        return errors;
    }

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();

    /// <summary>Reads the errno and extended-ack text of an NLMSG_ERROR payload (errno 0 is an ACK).</summary>
    internal static (int Errno, string? KernelMessage) ReadError(in NlMsgHeader header, ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 4 + NlMsgHeader.Size)
        {
            ThrowHelper.ThrowTruncated("nlmsgerr", 4 + NlMsgHeader.Size, payload.Length);
        }

        var errno = -MemoryMarshal.Read<int>(payload);
        if ((header.Flags & NlmFlags.AckTlvs) == 0)
        {
            return (errno, null);
        }

        var tlvStart = 4 + NlMsgHeader.Size;
        if ((header.Flags & NlmFlags.Capped) == 0)
        {
            var original = MemoryMarshal.Read<NlMsgHeader>(payload[4..]);
            tlvStart = 4 + NetlinkWriter.Align((int)Math.Min(original.Length, (uint)payload.Length));
            if (tlvStart > payload.Length)
            {
                ThrowHelper.ThrowBadLength("nlmsgerr original message", (int)Math.Min(original.Length, int.MaxValue));
            }
        }

        string? message = null;
        var attributes = new NetlinkAttributeReader(payload[tlvStart..]);
        while (attributes.TryRead(out var type, out var value))
        {
            if (type == NlMsgErrAttr.Msg)
            {
                message = NetlinkValue.String(value);
            }
        }

        return (errno, message);
    }

    // A failed dump's NLMSG_DONE carries the errno and, with NLM_F_ACK_TLVS, the extended-ack attributes after it.
    private static string? ReadDoneMessage(in NlMsgHeader header, ReadOnlySpan<byte> payload)
    {
        if ((header.Flags & NlmFlags.AckTlvs) == 0)
        {
            return null;
        }

        var attributes = new NetlinkAttributeReader(payload[4..]);
        while (attributes.TryRead(out var type, out var value))
        {
            if (type == NlMsgErrAttr.Msg)
            {
                return NetlinkValue.String(value);
            }
        }

        return null;
    }

    private (List<T> Items, bool Interrupted) DumpOnce<T>(Span<byte> request, string what, MessageDecoder<T> decode)
    {
        var sequence = Stamp(request, NextSequence());
        _socket.Send(request, what);
        var items = new List<T>();
        var interrupted = false;
        ReadReplies(() => what, (in NlMsgHeader header, ReadOnlySpan<byte> payload) =>
        {
            if (!IsOurs(header, sequence))
            {
                return false;
            }

            interrupted |= (header.Flags & NlmFlags.DumpIntr) != 0;
            switch (header.Type)
            {
                case NlMsgType.Error:
                    var (errno, kernelMessage) = ReadError(header, payload);
                    throw new NetlinkException(errno, what, kernelMessage);
                case NlMsgType.Done:
                    var status = payload.Length >= 4 ? -MemoryMarshal.Read<int>(payload) : 0;
                    return status == 0 ? true : throw new NetlinkException(status, what, ReadDoneMessage(header, payload));
                case NlMsgType.Noop or NlMsgType.Overrun:
                    return false;
                default:
                    if (decode(header, payload) is { } item)
                    {
                        items.Add(item);
                    }

                    return false;
            }
        });
        return (items, interrupted);
    }

    private void CollectAcks(uint baseSequence, int firstIndex, int count, string what, List<BatchError> errors)
    {
        var acked = 0;
        ReadReplies(() => $"{what} ({count - acked} of {count} ACKs missing)", (in NlMsgHeader header, ReadOnlySpan<byte> payload) =>
        {
            var offset = header.Sequence - baseSequence;
            if (header.PortId != _socket.PortId || offset >= (uint)count || header.Type != NlMsgType.Error)
            {
                return false;
            }

            acked++;
            var (errno, kernelMessage) = ReadError(header, payload);
            if (errno != 0)
            {
                errors.Add(new BatchError(firstIndex + (int)offset, errno, kernelMessage));
            }

            return acked == count;
        });
    }

    // Every exchange reads the same way: datagram by datagram, message by message, until its handler has seen the
    // reply it waits for (the handler returns true). Messages after that one in the same datagram are not ours to wait
    // for: each exchange sends only what it then reads the replies of.
    private delegate bool ReplyHandler(in NlMsgHeader header, ReadOnlySpan<byte> payload);

    private void ReadReplies(Func<string> what, ReplyHandler handle)
    {
        while (true)
        {
            var reader = new NetlinkMessageReader(ReceiveOrTimeout(what()));
            while (reader.TryRead(out var header, out var payload))
            {
                if (handle(header, payload))
                {
                    return;
                }
            }
        }
    }

    private ReadOnlySpan<byte> ReceiveOrTimeout(string what)
    {
        var length = _socket.Receive(_receiveBuffer, what);
        if (length < 0)
        {
            throw new NetlinkException(110, what, $"no reply from the kernel within {_timeout.TotalSeconds:0.###} s");
        }

        return _receiveBuffer.AsSpan(0, length);
    }

    // Errors nfnetlink answers on BATCH_BEGIN before reading any request: no nf_tables (EOPNOTSUPP), no permission (EPERM).
    private static bool IsBatchRefusal(int errno) => errno is ErrnoNames.EPERM or ErrnoNames.EOPNOTSUPP or ErrnoNames.EAFNOSUPPORT or ErrnoNames.EINVAL;

    private bool IsOurs(in NlMsgHeader header, uint sequence) => header.Sequence == sequence && header.PortId == _socket.PortId;

    private uint NextSequence() => ++_sequence;

    private static uint Stamp(Span<byte> message, uint sequence)
    {
        MemoryMarshal.Write(message[8..], sequence);
        return sequence;
    }

    private static int End(IReadOnlyList<int> offsets, int index, int total) => index + 1 < offsets.Count ? offsets[index + 1] : total;
}
