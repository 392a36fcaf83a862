using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>RTM_*NEIGH requests and replies for bridge FDB entries (AF_BRIDGE) and IP neighbours, side by side.</summary>
internal static class NeighbourCodec
{
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

        var entry = new FdbEntry(nd.Index, FdbEntry.AllZeroMac, null) { State = (NeighbourState)nd.State, Flags = (NeighbourFlags)nd.Flags };
        var hasMac = false;
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.TryRead(out var type, out var value))
        {
            switch (type)
            {
                case NdaAttr.LlAddr: entry = entry with { Mac = NetlinkValue.LinkLayerAddress(value) }; hasMac = true; break;
                case NdaAttr.Dst: entry = entry with { Destination = NetlinkValue.Address(type, value) }; break;
                case NdaAttr.Port: entry = entry with { Port = NetlinkValue.BigEndianU16(type, value) }; break;
                case NdaAttr.Vni: entry = entry with { Vni = NetlinkValue.U32(type, value) }; break;
                case NdaAttr.IfIndex: entry = entry with { ViaIndex = (int)NetlinkValue.U32(type, value) }; break;
                case NdaAttr.Master: entry = entry with { MasterIndex = (int)NetlinkValue.U32(type, value) }; break;
                case NdaAttr.Vlan: entry = entry with { Vlan = NetlinkValue.U16(type, value) }; break;
                default: break;
            }
        }

        if (!hasMac)
        {
            ThrowHelper.ThrowMissing("NDA_LLADDR");
        }

        return entry;
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
