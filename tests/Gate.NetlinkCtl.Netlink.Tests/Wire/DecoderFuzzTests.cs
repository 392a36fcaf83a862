using System.Net;
using CsCheck;
using Gate.NetlinkCtl.Netlink.Sockets;
using Gate.NetlinkCtl.Netlink.Wire;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Netlink.Tests.Wire;

/// <summary>
/// Random and mutated input for every decoder: the only exception allowed is <see cref="NetlinkDecodeException"/>,
/// and the outcome depends only on the bytes given (the same input between different guard bytes decodes the same,
/// so nothing outside the slice was read). A few thousand inputs per property here; <c>bench/fuzz.sh</c> runs millions.
/// </summary>
public class DecoderFuzzTests
{
    private static readonly ushort[] MessageTypes =
    [
        RtmType.NewLink, RtmType.DelLink, RtmType.NewAddr, RtmType.DelAddr, RtmType.NewRoute, RtmType.DelRoute,
        RtmType.NewNeigh, RtmType.DelNeigh, NlMsgType.Error, NlMsgType.Done,
    ];

    private static readonly byte[] Families = [NlFamily.Unspec, NlFamily.Inet, NlFamily.Bridge, NlFamily.Inet6];

    [Fact]
    public void Random_bytes_never_throw_anything_but_the_codecs_exception()
    {
        Gen.Byte.Array[0, 300].Sample(AssertDecodesSafely, iter: FuzzBudget.Iterations(5_000), threads: FuzzBudget.Threads);
    }

    [Fact]
    public void Random_messages_with_plausible_headers_never_throw_anything_but_the_codecs_exception()
    {
        var message = Gen.Select(Gen.OneOf(MessageTypes), Gen.OneOf(Families), Gen.Byte.Array[0, 200], (type, family, body) =>
        {
            var payload = new byte[body.Length + 1];
            payload[0] = family;
            body.CopyTo(payload, 1);
            return Frame(type, payload);
        });

        message.Array[1, 4].Select(parts => parts.SelectMany(p => p).ToArray()).Sample(AssertDecodesSafely, iter: FuzzBudget.Iterations(5_000), threads: FuzzBudget.Threads);
    }

    [Fact]
    public void Mutated_kernel_replies_and_requests_never_throw_anything_but_the_codecs_exception()
    {
        byte[][] seeds =
        [
            Frame(RtmType.NewLink, CapturedReplies.Bytes(CapturedReplies.VxlanLink)),
            Frame(RtmType.NewNeigh, CapturedReplies.Bytes(CapturedReplies.AllZeroFdbEntry)),
            Frame(RtmType.NewAddr, CapturedReplies.Bytes(CapturedReplies.LoopbackAddress)),
            Written((ref NetlinkWriter w) => LinkCodec.WriteVxlanCreate(ref w, new VxlanLinkSpec("gct-vx0", 10) { Local = IPAddress.Parse("192.0.2.1"), UnderlayIndex = 2, Ttl = 5, SourcePorts = new(1, 2) })),
            Written((ref NetlinkWriter w) => RtnlRequests.Route.Add(new Ipv4Route(IPNetwork.Parse("198.19.0.0/16")) { Gateway = IPAddress.Parse("198.18.0.2"), OutputIndex = 3, Priority = 9 }).Write(ref w)),
            Written((ref NetlinkWriter w) => RtnlRequests.Neighbour.Add(new Neighbour(3, IPAddress.Parse("198.18.0.2"), FdbEntry.AllZeroMac)).Write(ref w)),
        ];
        var mutation = Gen.Select(Gen.Int[0, 4000], Gen.Byte, Gen.Int[0, 9]);
        var mutated = Gen.Select(Gen.Int[0, seeds.Length - 1], mutation.Array[1, 8], (seed, changes) =>
        {
            var bytes = seeds[seed].ToArray();
            var length = bytes.Length;
            foreach (var (position, value, kind) in changes)
            {
                var at = position % length;
                if (kind == 0)
                {
                    length = at; // truncate
                    if (length == 0)
                    {
                        break;
                    }
                }
                else
                {
                    bytes[at] = value;
                }
            }

            return bytes[..length];
        });

        mutated.Sample(AssertDecodesSafely, iter: FuzzBudget.Iterations(10_000), threads: FuzzBudget.Threads);
    }

    private static void AssertDecodesSafely(byte[] input)
    {
        var withZeroGuards = DecodeBetweenGuards(input, 0x00);
        var withOnesGuards = DecodeBetweenGuards(input, 0xFF);
        Assert.Equal(withZeroGuards, withOnesGuards);
    }

    private static string DecodeBetweenGuards(byte[] input, byte guard)
    {
        var buffer = new byte[input.Length + 64];
        buffer.AsSpan().Fill(guard);
        input.CopyTo(buffer, 32);
        return DecodeEverything(buffer.AsSpan(32, input.Length));
    }

    /// <summary>Runs every decoder over the bytes, both as a datagram and as a bare payload; only decode errors are caught.</summary>
    private static string DecodeEverything(ReadOnlySpan<byte> bytes)
    {
        var results = new List<string>
        {
            Try(bytes, b => string.Join(";", RtnlEventListener.Decode(b))),
            Try(bytes, b => LinkCodec.Decode(Header(RtmType.NewLink), b)?.ToString()),
            Try(bytes, b => LinkCodec.DecodeVxlan(b).ToString()),
            Try(bytes, b => AddressCodec.Decode(Header(RtmType.NewAddr), b)?.ToString()),
            Try(bytes, b => NeighbourCodec.DecodeFdb(Header(RtmType.NewNeigh), b)?.ToString()),
            Try(bytes, b => NeighbourCodec.DecodeNeighbour(Header(RtmType.NewNeigh), b)?.ToString()),
            Try(bytes, b => RouteCodec.Decode(Header(RtmType.NewRoute), b)?.ToString()),
            Try(bytes, b => NetlinkConnection.ReadError(new NlMsgHeader(0, NlMsgType.Error, NlmFlags.AckTlvs, 0, 0), b).ToString()),
            Try(bytes, b => NetlinkConnection.ReadError(new NlMsgHeader(0, NlMsgType.Error, NlmFlags.AckTlvs | NlmFlags.Capped, 0, 0), b).ToString()),
        };
        return string.Join("\n", results);
    }

    private delegate string? SpanFunc(ReadOnlySpan<byte> bytes);

    private static string Try(ReadOnlySpan<byte> bytes, SpanFunc decode)
    {
        try
        {
            return decode(bytes) ?? "null";
        }
        catch (NetlinkDecodeException e)
        {
            return e.Message;
        }
    }

    private static NlMsgHeader Header(ushort type) => new(0, type, 0, 0, 0);

    private static byte[] Frame(ushort type, byte[] payload)
    {
        var buffer = new byte[NlMsgHeader.Size + NetlinkWriter.Align(payload.Length)];
        var w = new NetlinkWriter(buffer);
        var m = w.BeginMessage(type, NlmFlags.Multi, 1, 0);
        w.WriteRaw(payload);
        w.EndMessage(m);
        return buffer[..w.Length];
    }

    private delegate void Writing(ref NetlinkWriter w);

    private static byte[] Written(Writing write)
    {
        var buffer = new byte[1024];
        var w = new NetlinkWriter(buffer);
        write(ref w);
        return buffer[..w.Length];
    }
}
