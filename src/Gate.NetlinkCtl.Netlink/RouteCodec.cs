using System.Net;
using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>RTM_*ROUTE requests and replies (IPv4), encoder and decoder side by side.</summary>
internal static class RouteCodec
{
    private const byte ScopeUniverse = 0;
    private const byte ScopeLink = 253;
    private const byte ScopeNowhere = 255;

    /// <summary>RTM_GETROUTE dump of IPv4 routes, in one table when given: <c>ip -4 route show table T|all</c>.</summary>
    public static void WriteDump(ref NetlinkWriter w, uint? table)
    {
        var m = w.BeginMessage(RtmType.GetRoute, NlmFlags.Request | NlmFlags.Dump);
        w.Write(new RtHeader(NlFamily.Inet, 0, 0, 0, 0, 0, 0, 0, 0));
        if (table is { } t)
        {
            w.WriteU32(RtaAttr.Table, t);
        }

        w.EndMessage(m);
    }

    /// <summary>RTM_NEWROUTE: <c>ip route add|replace PREFIX [via GW] [dev X] proto P table T [metric M] [src S]</c>.</summary>
    public static void WriteNew(ref NetlinkWriter w, ushort flags, Ipv4Route route)
    {
        var m = w.BeginMessage(RtmType.NewRoute, (ushort)(NlmFlags.Request | NlmFlags.Ack | flags));
        var scope = route.Scope ?? (route.Gateway is null ? ScopeLink : ScopeUniverse);
        w.Write(new RtHeader(NlFamily.Inet, (byte)route.Destination.PrefixLength, 0, 0, TableByte(route.Table), route.Protocol, scope, route.Type, 0));
        WriteCommon(ref w, route);
        w.EndMessage(m);
    }

    /// <summary>RTM_DELROUTE matching prefix, table, protocol and whatever next hop is given: <c>ip route del ... proto P</c>.</summary>
    public static void WriteDelete(ref NetlinkWriter w, Ipv4Route route)
    {
        var m = w.BeginMessage(RtmType.DelRoute, NlmFlags.Request | NlmFlags.Ack);
        w.Write(new RtHeader(NlFamily.Inet, (byte)route.Destination.PrefixLength, 0, 0, TableByte(route.Table), route.Protocol, route.Scope ?? ScopeNowhere, 0, 0));
        WriteCommon(ref w, route);
        w.EndMessage(m);
    }

    /// <summary>Decodes an RTM_NEWROUTE/RTM_DELROUTE IPv4 message; other messages give null.</summary>
    public static Ipv4Route? Decode(in NlMsgHeader header, ReadOnlySpan<byte> payload)
    {
        if (header.Type is not (RtmType.NewRoute or RtmType.DelRoute))
        {
            return null;
        }

        var rt = NetlinkValue.ReadHeader<RtHeader>(payload, out var attributes);
        if (rt.Family != NlFamily.Inet)
        {
            return null;
        }

        if (rt.DstLength > 32)
        {
            ThrowHelper.ThrowBadLength("rtm_dst_len", rt.DstLength);
        }

        IPAddress destination = IPAddress.Any;
        IPAddress? gateway = null, source = null;
        int? oif = null;
        uint? priority = null;
        uint table = rt.Table;
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.TryRead(out var type, out var value))
        {
            switch (type)
            {
                case RtaAttr.Dst: destination = NetlinkValue.Address(type, value); break;
                case RtaAttr.Gateway: gateway = NetlinkValue.Address(type, value); break;
                case RtaAttr.PrefSrc: source = NetlinkValue.Address(type, value); break;
                case RtaAttr.Oif: oif = (int)NetlinkValue.U32(type, value); break;
                case RtaAttr.Priority: priority = NetlinkValue.U32(type, value); break;
                case RtaAttr.Table: table = NetlinkValue.U32(type, value); break;
                default: break;
            }
        }

        if (destination.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            ThrowHelper.ThrowBadAttributeSize(RtaAttr.Dst, 4, 16);
        }

        return new Ipv4Route(new IPNetwork(Mask(destination, rt.DstLength), rt.DstLength))
        {
            Gateway = gateway,
            OutputIndex = oif,
            Protocol = rt.Protocol,
            Table = table,
            Priority = priority,
            Scope = rt.Scope,
            Type = rt.Type,
            PreferredSource = source,
        };
    }

    private static void WriteCommon(ref NetlinkWriter w, Ipv4Route route)
    {
        w.WriteU32(RtaAttr.Table, route.Table);
        if (route.Destination.PrefixLength > 0)
        {
            w.WriteAddress(RtaAttr.Dst, route.Destination.BaseAddress);
        }

        if (route.Gateway is { } gateway)
        {
            w.WriteAddress(RtaAttr.Gateway, gateway);
        }

        if (route.OutputIndex is { } oif)
        {
            w.WriteU32(RtaAttr.Oif, (uint)oif);
        }

        if (route.Priority is { } priority)
        {
            w.WriteU32(RtaAttr.Priority, priority);
        }

        if (route.PreferredSource is { } source)
        {
            w.WriteAddress(RtaAttr.PrefSrc, source);
        }
    }

    // Tables above 255 only fit RTA_TABLE; the header then says RT_TABLE_UNSPEC (0), as iproute2 does.
    private static byte TableByte(uint table) => table < 256 ? (byte)table : (byte)0;

    private static IPAddress Mask(IPAddress address, int prefixLength)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
        var mask = prefixLength == 0 ? 0u : uint.MaxValue << (32 - prefixLength);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, value & mask);
        return new IPAddress(bytes);
    }
}
