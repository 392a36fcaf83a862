using System.Net;
using System.Net.NetworkInformation;
using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>RTM_*NEIGH requests and replies for bridge FDB entries (AF_BRIDGE) and IP neighbours, side by side.</summary>
internal static class NeighbourCodec
{
    private static ReadOnlySpan<byte> AllZeroMacBytes => [0, 0, 0, 0, 0, 0];

    /// <summary>RTM_GETNEIGH dump of one device's FDB: <c>bridge fdb show dev X</c>.</summary>
    public static void WriteFdbDump(ref NetlinkWriter w, int linkIndex)
    {
        var m = w.BeginMessage(RtmType.GetNeigh, NlmFlags.Request | NlmFlags.Dump);
        w.Write(new NdHeader(NlFamily.Bridge, 0, 0, linkIndex, 0, 0, 0));
        w.EndMessage(m);
    }

    /// <summary>RTM_NEWNEIGH/RTM_DELNEIGH for an FDB entry: <c>bridge fdb add|append|replace|del MAC dev X dst IP self permanent</c>.</summary>
    public static void WriteFdb(ref NetlinkWriter w, ushort type, ushort flags, FdbEntry entry)
    {
        var m = w.BeginMessage(type, (ushort)(NlmFlags.Request | NlmFlags.Ack | flags));
        w.Write(new NdHeader(NlFamily.Bridge, 0, 0, entry.LinkIndex, (ushort)entry.State, (byte)entry.Flags, 0));
        w.WriteAttribute(NdaAttr.LlAddr, entry.Mac.GetAddressBytes());
        if (entry.Destination is { } destination)
        {
            w.WriteAddress(NdaAttr.Dst, destination);
        }

        if (entry.Port is { } port)
        {
            w.WriteBigEndianU16(NdaAttr.Port, port);
        }

        if (entry.Vni is { } vni)
        {
            w.WriteU32(NdaAttr.Vni, vni);
        }

        if (entry.ViaIndex is { } via)
        {
            w.WriteU32(NdaAttr.IfIndex, (uint)via);
        }

        if (entry.Vlan is { } vlan)
        {
            w.WriteU16(NdaAttr.Vlan, vlan);
        }

        w.EndMessage(m);
    }

    /// <summary>RTM_GETNEIGH dump of IPv4 neighbours, on one device when given: <c>ip -4 neigh show [dev X]</c>.</summary>
    public static void WriteNeighbourDump(ref NetlinkWriter w, int? linkIndex)
    {
        var m = w.BeginMessage(RtmType.GetNeigh, NlmFlags.Request | NlmFlags.Dump);
        w.Write(new NdHeader(NlFamily.Inet, 0, 0, 0, 0, 0, 0));
        if (linkIndex is { } index)
        {
            w.WriteU32(NdaAttr.IfIndex, (uint)index);
        }

        w.EndMessage(m);
    }

    /// <summary>RTM_NEWNEIGH/RTM_DELNEIGH for an IP neighbour: <c>ip neigh add|replace|del IP lladdr MAC dev X nud permanent</c>.</summary>
    public static void WriteNeighbour(ref NetlinkWriter w, ushort type, ushort flags, Neighbour neighbour)
    {
        var m = w.BeginMessage(type, (ushort)(NlmFlags.Request | NlmFlags.Ack | flags));
        w.Write(new NdHeader(AddressCodec.FamilyOf(neighbour.Address), 0, 0, neighbour.LinkIndex, (ushort)neighbour.State, (byte)neighbour.Flags, 0));
        w.WriteAddress(NdaAttr.Dst, neighbour.Address);
        if (neighbour.Mac is { } mac && type == RtmType.NewNeigh)
        {
            w.WriteAttribute(NdaAttr.LlAddr, mac.GetAddressBytes());
        }

        w.EndMessage(m);
    }

    /// <summary>Decodes an AF_BRIDGE neighbour message into an FDB entry; other messages give null.</summary>
    public static FdbEntry? DecodeFdb(in NlMsgHeader header, ReadOnlySpan<byte> payload)
    {
        if (header.Type is not (RtmType.NewNeigh or RtmType.DelNeigh))
        {
            return null;
        }

        var nd = NetlinkValue.ReadHeader<NdHeader>(payload, out var attributes);
        if (nd.Family != NlFamily.Bridge)
        {
            return null;
        }

        // Fields first, one record at the end: a dump of 10,000 entries decodes here 10,000 times.
        PhysicalAddress? mac = null;
        IPAddress? destination = null;
        ushort? port = null, vlan = null;
        uint? vni = null;
        int? via = null, master = null;
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.TryRead(out var type, out var value))
        {
            switch (type)
            {
                // The flood list's MAC is one shared instance instead of one copy per entry.
                case NdaAttr.LlAddr: mac = value.SequenceEqual(AllZeroMacBytes) ? FdbEntry.AllZeroMac : NetlinkValue.LinkLayerAddress(value); break;
                case NdaAttr.Dst: destination = NetlinkValue.Address(type, value); break;
                case NdaAttr.Port: port = NetlinkValue.BigEndianU16(type, value); break;
                case NdaAttr.Vni: vni = NetlinkValue.U32(type, value); break;
                case NdaAttr.IfIndex: via = (int)NetlinkValue.U32(type, value); break;
                case NdaAttr.Master: master = (int)NetlinkValue.U32(type, value); break;
                case NdaAttr.Vlan: vlan = NetlinkValue.U16(type, value); break;
                default: break;
            }
        }

        if (mac is null)
        {
            ThrowHelper.ThrowMissing("NDA_LLADDR");
        }

        return new FdbEntry(nd.Index, mac, destination)
        {
            State = (NeighbourState)nd.State,
            Flags = (NeighbourFlags)nd.Flags,
            Port = port,
            Vni = vni,
            ViaIndex = via,
            MasterIndex = master,
            Vlan = vlan,
        };
    }

    /// <summary>Decodes an IPv4/IPv6 neighbour message; other messages give null.</summary>
    public static Neighbour? DecodeNeighbour(in NlMsgHeader header, ReadOnlySpan<byte> payload)
    {
        if (header.Type is not (RtmType.NewNeigh or RtmType.DelNeigh))
        {
            return null;
        }

        var nd = NetlinkValue.ReadHeader<NdHeader>(payload, out var attributes);
        if (nd.Family is not (NlFamily.Inet or NlFamily.Inet6))
        {
            return null;
        }

        System.Net.IPAddress? address = null;
        System.Net.NetworkInformation.PhysicalAddress? mac = null;
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.TryRead(out var type, out var value))
        {
            switch (type)
            {
                case NdaAttr.Dst: address = NetlinkValue.Address(type, value); break;
                case NdaAttr.LlAddr: mac = NetlinkValue.LinkLayerAddress(value); break;
                default: break;
            }
        }

        if (address is null)
        {
            ThrowHelper.ThrowMissing("NDA_DST");
        }

        return new Neighbour(nd.Index, address, mac) { State = (NeighbourState)nd.State, Flags = (NeighbourFlags)nd.Flags };
    }
}
