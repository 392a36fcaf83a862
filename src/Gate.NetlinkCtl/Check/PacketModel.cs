using System.Net;
using System.Text;

namespace Gate.NetlinkCtl.Check;

/// <summary>
/// The packet whose fate the packet-filter check works out: a VXLAN datagram (IPv4, UDP, destination port the gate's)
/// from an endpoint to the gate's <c>local</c>, arriving on the underlay, the first of its flow (conntrack state new).
/// Each field a rule may load is known here or marked unknown (the source port, the length, the TTL): a rule that
/// depends on an unknown byte only "may" match.
/// </summary>
internal sealed class PacketModel(IPAddress source, IPAddress destination, ushort port, string inputName, int inputIndex)
{
    private const int Ipv4HeaderBytes = 20;

    /// <summary>The IPv4 header: version/IHL, TOS, length?, id?, fragment bits 0, TTL?, protocol 17, checksum?, addresses.</summary>
    public byte?[] NetworkHeader()
    {
        var header = new byte?[Ipv4HeaderBytes];
        header[0] = 0x45;
        header[1] = 0;
        header[6] = 0;
        header[7] = 0;
        header[9] = 17;
        var s = source.GetAddressBytes();
        var d = destination.GetAddressBytes();
        for (var i = 0; i < 4; i++)
        {
            header[12 + i] = s[i];
            header[16 + i] = d[i];
        }

        return header;
    }

    /// <summary>The UDP header: source port unknown (the VPG's choice), destination port, length and checksum unknown.</summary>
    public byte?[] TransportHeader() => [null, null, (byte)(port >> 8), (byte)port, null, null, null, null];

    /// <summary>The value <c>meta KEY</c> loads (in the kernel's byte order), or null when the check cannot know it.</summary>
    public byte?[]? Meta(uint key) => key switch
    {
        1 => [0x08, 0x00], // PROTOCOL: ETH_P_IP, big-endian
        3 => [0, 0, 0, 0], // MARK: unmarked
        4 => HostU32((uint)inputIndex), // IIF
        6 => Name(inputName), // IIFNAME
        8 => [1, 0], // IIFTYPE: ARPHRD_ETHER, host order
        15 => [2], // NFPROTO: NFPROTO_IPV4
        16 => [17], // L4PROTO: UDP
        19 => [0], // PKTTYPE: PACKET_HOST
        _ => null,
    };

    /// <summary>The value <c>ct KEY</c> loads: the state of a flow's first packet (new); other keys are unknown.</summary>
    public static byte?[]? Conntrack(uint key) => key == 0 ? HostU32(1u << 3) : null; // NF_CT_STATE_BIT(IP_CT_NEW)

    private static byte?[] HostU32(uint value)
    {
        var bytes = BitConverter.GetBytes(value);
        return [bytes[0], bytes[1], bytes[2], bytes[3]];
    }

    private static byte?[] Name(string name)
    {
        var bytes = new byte?[16];
        var encoded = Encoding.ASCII.GetBytes(name);
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = i < encoded.Length ? encoded[i] : (byte)0;
        }

        return bytes;
    }
}
