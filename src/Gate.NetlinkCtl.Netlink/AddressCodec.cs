using System.Net;
using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>RTM_*ADDR requests and replies (IPv4), encoder and decoder side by side.</summary>
internal static class AddressCodec
{
    /// <summary>RTM_GETADDR dump of IPv4 addresses, on one device when <paramref name="linkIndex"/> is given.</summary>
    public static void WriteDump(ref NetlinkWriter w, int? linkIndex)
    {
        var m = w.BeginMessage(RtmType.GetAddr, NlmFlags.Request | NlmFlags.Dump);
        w.Write(new IfAddrHeader(NlFamily.Inet, 0, 0, 0, linkIndex ?? 0));
        w.EndMessage(m);
    }

    /// <summary>RTM_NEWADDR/RTM_DELADDR: <c>ip addr add|replace|del A/P dev X [metric M] [broadcast B] [label L]</c>.</summary>
    public static void Write(ref NetlinkWriter w, ushort type, ushort flags, LinkAddress address)
    {
        var m = w.BeginMessage(type, (ushort)(NlmFlags.Request | NlmFlags.Ack | flags));
        w.Write(new IfAddrHeader(FamilyOf(address.Address), address.PrefixLength, 0, address.Scope, address.LinkIndex));
        w.WriteAddress(IfaAttr.Local, address.Address);
        w.WriteAddress(IfaAttr.Address, address.Address);
        if (type == RtmType.NewAddr)
        {
            if (address.Broadcast is { } broadcast)
            {
                w.WriteAddress(IfaAttr.Broadcast, broadcast);
            }

            if (address.Label is { } label)
            {
                w.WriteString(IfaAttr.Label, label);
            }

            if (address.Metric is { } metric)
            {
                w.WriteU32(IfaAttr.RtPriority, metric);
            }
        }

        w.EndMessage(m);
    }

    /// <summary>Decodes an RTM_NEWADDR/RTM_DELADDR message; other types give null.</summary>
    public static LinkAddress? Decode(in NlMsgHeader header, ReadOnlySpan<byte> payload)
    {
        if (header.Type is not (RtmType.NewAddr or RtmType.DelAddr))
        {
            return null;
        }

        var ifa = NetlinkValue.ReadHeader<IfAddrHeader>(payload, out var attributes);
        IPAddress? local = null, address = null, broadcast = null;
        string? label = null;
        uint? metric = null;
        uint flags = ifa.Flags;
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.TryRead(out var type, out var value))
        {
            switch (type)
            {
                case IfaAttr.Local: local = NetlinkValue.Address(type, value); break;
                case IfaAttr.Address: address = NetlinkValue.Address(type, value); break;
                case IfaAttr.Broadcast: broadcast = NetlinkValue.Address(type, value); break;
                case IfaAttr.Label: label = NetlinkValue.String(value); break;
                case IfaAttr.RtPriority: metric = NetlinkValue.U32(type, value); break;
                case IfaAttr.Flags: flags = NetlinkValue.U32(type, value); break;
                default: break;
            }
        }

        var primary = local ?? address;
        if (primary is null)
        {
            ThrowHelper.ThrowMissing("IFA_LOCAL or IFA_ADDRESS");
        }

        return new LinkAddress(ifa.Index, primary, ifa.PrefixLength)
        {
            Metric = metric,
            Label = label,
            Broadcast = broadcast,
            Scope = ifa.Scope,
            Flags = flags,
        };
    }

    internal static byte FamilyOf(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? NlFamily.Inet6 : NlFamily.Inet;
}
