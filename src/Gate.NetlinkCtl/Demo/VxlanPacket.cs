using System.Buffers.Binary;
using System.Net;

namespace Gate.NetlinkCtl.Demo;

/// <summary>One VXLAN-in-UDP packet seen on an underlay: its outer addressing, the VXLAN header and the inner IPv4 pair.</summary>
/// <param name="OuterSource">Outer IPv4 source (the sending tunnel endpoint).</param>
/// <param name="OuterDestination">Outer IPv4 destination (the receiving tunnel endpoint).</param>
/// <param name="SourcePort">Outer UDP source port.</param>
/// <param name="DestinationPort">Outer UDP destination port.</param>
/// <param name="VniValid">The VXLAN header's I flag (VNI present) is set.</param>
/// <param name="Vni">The VXLAN network identifier.</param>
/// <param name="InnerSource">The encapsulated frame's IPv4 source, when it carries IPv4.</param>
/// <param name="InnerDestination">The encapsulated frame's IPv4 destination, when it carries IPv4.</param>
internal sealed record VxlanPacket(
    IPAddress OuterSource,
    IPAddress OuterDestination,
    ushort SourcePort,
    ushort DestinationPort,
    bool VniValid,
    uint Vni,
    IPAddress? InnerSource,
    IPAddress? InnerDestination)
{
    private const int EthernetHeader = 14;
    private const int UdpHeader = 8;
    private const int VxlanHeader = 8;
    private const ushort EtherTypeIPv4 = 0x0800;
    private const byte ProtocolUdp = 17;

    /// <summary>Decodes an Ethernet frame as IPv4/UDP/VXLAN; null when it is anything else or cut short.</summary>
    public static VxlanPacket? TryDecode(ReadOnlySpan<byte> frame)
    {
        if (!TryIPv4(frame, out var outerSource, out var outerDestination, out var protocol, out var payload)
            || protocol != ProtocolUdp || payload.Length < UdpHeader + VxlanHeader)
        {
            return null;
        }

        var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(payload);
        var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(payload[2..]);
        var vxlan = payload[UdpHeader..];
        var vniValid = (vxlan[0] & 0x08) != 0;
        var vni = BinaryPrimitives.ReadUInt32BigEndian(vxlan[4..]) >> 8;
        var inner = vxlan[VxlanHeader..];
        var hasInner = TryIPv4(inner, out var innerSource, out var innerDestination, out _, out _);
        return new VxlanPacket(outerSource, outerDestination, sourcePort, destinationPort, vniValid, vni,
            hasInner ? innerSource : null, hasInner ? innerDestination : null);
    }

    private static bool TryIPv4(ReadOnlySpan<byte> frame, out IPAddress source, out IPAddress destination, out byte protocol, out ReadOnlySpan<byte> payload)
    {
        source = destination = IPAddress.None;
        protocol = 0;
        payload = default;
        if (frame.Length < EthernetHeader + 20 || BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != EtherTypeIPv4)
        {
            return false;
        }

        var ip = frame[EthernetHeader..];
        var headerLength = (ip[0] & 0x0f) * 4;
        if (ip[0] >> 4 != 4 || headerLength < 20 || ip.Length < headerLength)
        {
            return false;
        }

        protocol = ip[9];
        source = new IPAddress(ip.Slice(12, 4));
        destination = new IPAddress(ip.Slice(16, 4));
        payload = ip[headerLength..];
        return true;
    }
}
