using System.Net;
using System.Runtime.InteropServices;
using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>The read-only questions a health check asks: a route lookup, a device's counters, a device's netconf.</summary>
internal static class LookupCodec
{
    private const int Stats64Fields = 8;

    /// <summary>RTM_GETROUTE (no dump) for one IPv4 destination: <c>ip route get ADDRESS</c>.</summary>
    public static void WriteRouteGet(ref NetlinkWriter w, IPAddress destination)
    {
        var m = w.BeginMessage(RtmType.GetRoute, NlmFlags.Request);
        w.Write(new RtHeader(NlFamily.Inet, 32, 0, 0, 0, 0, 0, 0, 0));
        w.WriteAddress(RtaAttr.Dst, destination);
        w.EndMessage(m);
    }

    /// <summary>Decodes the RTM_NEWROUTE answer to <see cref="WriteRouteGet"/>.</summary>
    public static RouteLookup? DecodeRoute(in NlMsgHeader header, ReadOnlySpan<byte> payload, IPAddress destination)
    {
        if (header.Type != RtmType.NewRoute)
        {
            return null;
        }

        var rt = NetlinkValue.ReadHeader<RtHeader>(payload, out var attributes);
        var lookup = new RouteLookup(destination, rt.Type) { Table = rt.Table };
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.TryRead(out var type, out var value))
        {
            lookup = type switch
            {
                RtaAttr.Oif => lookup with { OutputIndex = (int)NetlinkValue.U32(type, value) },
                RtaAttr.Gateway => lookup with { Gateway = NetlinkValue.Address(type, value) },
                RtaAttr.PrefSrc => lookup with { PreferredSource = NetlinkValue.Address(type, value) },
                RtaAttr.Table => lookup with { Table = NetlinkValue.U32(type, value) },
                RtaAttr.Metrics => lookup with { Mtu = MetricMtu(value) },
                _ => lookup,
            };
        }

        return lookup;
    }

    /// <summary>Decodes IFLA_STATS64 from an RTM_NEWLINK answer; a device without it gives zero counters.</summary>
    public static LinkCounters? DecodeCounters(in NlMsgHeader header, ReadOnlySpan<byte> payload)
    {
        if (header.Type != RtmType.NewLink)
        {
            return null;
        }

        NetlinkValue.ReadHeader<IfInfoHeader>(payload, out var attributes);
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.TryRead(out var type, out var value))
        {
            if (type != IflaAttr.Stats64)
            {
                continue;
            }

            // struct rtnl_link_stats64 begins rx/tx packets, rx/tx bytes, rx/tx errors, rx/tx dropped (u64 each).
            if (value.Length < Stats64Fields * sizeof(ulong))
            {
                ThrowHelper.ThrowBadAttributeSize(type, Stats64Fields * sizeof(ulong), value.Length);
            }

            var f = MemoryMarshal.Cast<byte, ulong>(value[..(Stats64Fields * sizeof(ulong))]);
            return new LinkCounters(RxPackets: f[0], TxPackets: f[1], RxBytes: f[2], TxBytes: f[3], RxErrors: f[4], TxErrors: f[5], RxDropped: f[6], TxDropped: f[7]);
        }

        return new LinkCounters(0, 0, 0, 0, 0, 0, 0, 0);
    }

    /// <summary>RTM_GETNETCONF for one device (or -1 all, -2 default): <c>ip netconf show dev X</c>.</summary>
    public static void WriteNetconfGet(ref NetlinkWriter w, int index)
    {
        var m = w.BeginMessage(RtmType.GetNetconf, NlmFlags.Request);
        // struct netconfmsg is one byte (the family); attributes begin at the next 4-byte boundary.
        w.WriteRaw([NlFamily.Inet]);
        w.WriteU32(NetconfAttr.IfIndex, unchecked((uint)index));
        w.EndMessage(m);
    }

    /// <summary>Decodes an RTM_NEWNETCONF message.</summary>
    public static InterfaceNetconf? DecodeNetconf(in NlMsgHeader header, ReadOnlySpan<byte> payload)
    {
        if (header.Type != RtmType.NewNetconf || payload.Length < 4)
        {
            return null;
        }

        int index = 0;
        int? rpFilter = null;
        bool? forwarding = null;
        var reader = new NetlinkAttributeReader(payload[4..]);
        while (reader.TryRead(out var type, out var value))
        {
            switch (type)
            {
                case NetconfAttr.IfIndex: index = unchecked((int)NetlinkValue.U32(type, value)); break;
                case NetconfAttr.RpFilter: rpFilter = unchecked((int)NetlinkValue.U32(type, value)); break;
                case NetconfAttr.Forwarding: forwarding = NetlinkValue.U32(type, value) != 0; break;
                default: break;
            }
        }

        return new InterfaceNetconf(index, rpFilter, forwarding);
    }

    private static int? MetricMtu(ReadOnlySpan<byte> metrics)
    {
        var reader = new NetlinkAttributeReader(metrics);
        while (reader.TryRead(out var type, out var value))
        {
            if (type == RtaxMetric.Mtu)
            {
                return (int)NetlinkValue.U32(type, value);
            }
        }

        return null;
    }
}
