using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Gate.NetlinkCtl.Netlink.Sockets;
using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>
/// A socket subscribed to rtnetlink multicast groups that turns the kernel's announcements into typed
/// <see cref="RtnlEvent"/>s (<c>ip monitor link neigh address route</c>). Subscription starts at <see cref="Open"/>:
/// changes made after it returns are delivered. Reading is cancellable; one reader at a time.
/// </summary>
public sealed class RtnlEventListener : IDisposable
{
    // Blocking receives wake this often to notice cancellation.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private readonly NetlinkSocket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];

    private RtnlEventListener(NetlinkSocket socket) => _socket = socket;

    /// <summary>Subscribes to <paramref name="groups"/> in the caller's namespace or inside <paramref name="netns"/>.</summary>
    public static RtnlEventListener Open(string? netns = null, RtnlEventGroups groups = RtnlEventGroups.All)
    {
        var numbers = new List<uint>();
        if (groups.HasFlag(RtnlEventGroups.Link))
        {
            numbers.Add(RtnlGroup.Link);
        }

        if (groups.HasFlag(RtnlEventGroups.Neighbour))
        {
            numbers.Add(RtnlGroup.Neigh);
        }

        if (groups.HasFlag(RtnlEventGroups.Ipv4Address))
        {
            numbers.Add(RtnlGroup.Ipv4Ifaddr);
        }

        if (groups.HasFlag(RtnlEventGroups.Ipv4Route))
        {
            numbers.Add(RtnlGroup.Ipv4Route);
        }

        if (groups.HasFlag(RtnlEventGroups.Ipv4Netconf))
        {
            numbers.Add(RtnlGroup.Ipv4Netconf);
        }

        return new RtnlEventListener(NetlinkSocket.Open(netns, PollInterval, numbers));
    }

    /// <summary>
    /// Blocks until the kernel announces something and returns the events of that announcement (at least one).
    /// Throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires first.
    /// </summary>
    public IReadOnlyList<RtnlEvent> Receive(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int length;
            try
            {
                length = _socket.Receive(_buffer, "rtnetlink events");
            }
            catch (NetlinkException e) when (e.Errno == ErrnoNames.ENOBUFS)
            {
                return [new EventsLost()];
            }

            if (length < 0)
            {
                continue;
            }

            var events = Decode(_buffer.AsSpan(0, length));
            if (events.Count > 0)
            {
                return events;
            }
        }
    }

    /// <summary>
    /// Delivers events as they come until <paramref name="cancellationToken"/> fires (then the sequence ends). One
    /// dedicated thread receives for the whole enumeration; a socket error ends the sequence with that exception.
    /// </summary>
    public async IAsyncEnumerable<RtnlEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<RtnlEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var receiver = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    while (true)
                    {
                        foreach (var e in Receive(stop.Token))
                        {
                            channel.Writer.TryWrite(e);
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    channel.Writer.TryComplete();
                }
                catch (Exception error)
                {
                    channel.Writer.TryComplete(error);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }

                if (!more)
                {
                    yield break;
                }

                while (channel.Reader.TryRead(out var e))
                {
                    yield return e;
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await receiver.ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();

    /// <summary>Decodes every message of one datagram into events; messages of no interest are skipped.</summary>
    internal static List<RtnlEvent> Decode(ReadOnlySpan<byte> datagram)
    {
        var events = new List<RtnlEvent>();
        var reader = new NetlinkMessageReader(datagram);
        while (reader.TryRead(out var header, out var payload))
        {
            RtnlEvent? e = header.Type switch
            {
                RtmType.NewLink or RtmType.DelLink =>
                    LinkCodec.Decode(header, payload) is { } link ? new LinkEvent(ChangeOf(header.Type, RtmType.DelLink), link) : null,
                RtmType.NewAddr or RtmType.DelAddr =>
                    AddressCodec.Decode(header, payload) is { } address ? new AddressEvent(ChangeOf(header.Type, RtmType.DelAddr), address) : null,
                RtmType.NewRoute or RtmType.DelRoute =>
                    RouteCodec.Decode(header, payload) is { } route ? new RouteEvent(ChangeOf(header.Type, RtmType.DelRoute), route) : null,
                RtmType.NewNeigh or RtmType.DelNeigh => DecodeNeigh(header, payload),
                IflaInet.NewNetconf => DecodeNetconf(payload),
                _ => null,
            };
            if (e is not null)
            {
                events.Add(e);
            }
        }

        return events;
    }

    private static RtnlEvent? DecodeNeigh(in NlMsgHeader header, ReadOnlySpan<byte> payload)
    {
        var change = ChangeOf(header.Type, RtmType.DelNeigh);
        if (NeighbourCodec.DecodeFdb(header, payload) is { } entry)
        {
            return new FdbEvent(change, entry);
        }

        return NeighbourCodec.DecodeNeighbour(header, payload) is { } neighbour ? new NeighbourEvent(change, neighbour) : null;
    }

    // struct netconfmsg (family, padded to 4), then NETCONFA_* attributes.
    private static Ipv4SettingsEvent? DecodeNetconf(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 4 || payload[0] != (byte)System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return null;
        }

        var reader = new NetlinkAttributeReader(payload[4..]);
        while (reader.TryRead(out var type, out var value))
        {
            if (type == IflaInet.NetconfIfIndex)
            {
                return new Ipv4SettingsEvent(unchecked((int)NetlinkValue.U32(type, value)));
            }
        }

        return null;
    }

    private static RtnlChange ChangeOf(ushort type, ushort deleteType) => type == deleteType ? RtnlChange.Deleted : RtnlChange.New;
}
