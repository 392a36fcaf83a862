using System.Net;
using System.Net.Sockets;
using Gate.NetlinkCtl.Netlink.Sockets;
using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>RTM_*LINK requests and replies, encoder and decoder side by side.</summary>
internal static class LinkCodec
{
    /// <summary>RTM_GETLINK dump of every device.</summary>
    public static void WriteDump(ref NetlinkWriter w)
    {
        var m = w.BeginMessage(RtmType.GetLink, NlmFlags.Request | NlmFlags.Dump);
        w.Write(new IfInfoHeader(NlFamily.Unspec, 0, 0, 0, 0, 0));
        w.EndMessage(m);
    }

    /// <summary>RTM_GETLINK of one device, by name when given, else by index.</summary>
    public static void WriteGet(ref NetlinkWriter w, string? name, int index)
    {
        var m = w.BeginMessage(RtmType.GetLink, NlmFlags.Request);
        w.Write(new IfInfoHeader(NlFamily.Unspec, 0, 0, name is null ? index : 0, 0, 0));
        if (name is not null)
        {
            w.WriteString(IflaAttr.IfName, name);
        }

        w.EndMessage(m);
    }

    /// <summary>RTM_NEWLINK (create, exclusive) of a VXLAN device: <c>ip link add NAME type vxlan ...</c>.</summary>
    public static void WriteVxlanCreate(ref NetlinkWriter w, VxlanLinkSpec spec)
    {
        var m = w.BeginMessage(RtmType.NewLink, NlmFlags.Request | NlmFlags.Ack | NlmFlags.Create | NlmFlags.Excl);
        w.Write(new IfInfoHeader(NlFamily.Unspec, 0, 0, 0, 0, 0));
        w.WriteString(IflaAttr.IfName, spec.Name);
        if (spec.Mtu is { } mtu)
        {
            w.WriteU32(IflaAttr.Mtu, (uint)mtu);
        }

        if (spec.Mac is { } mac)
        {
            w.WriteAttribute(IflaAttr.Address, mac.GetAddressBytes());
        }

        var info = w.BeginNested(IflaAttr.LinkInfo);
        w.WriteString(IflaInfo.Kind, "vxlan");
        var data = w.BeginNested(IflaInfo.Data);
        w.WriteU32(IflaVxlan.Id, spec.Vni);
        if (spec.Local is { } local)
        {
            w.WriteAddress(local.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IflaVxlan.Local6 : IflaVxlan.Local, local);
        }

        if (spec.UnderlayIndex is { } underlay)
        {
            w.WriteU32(IflaVxlan.Link, (uint)underlay);
        }

        w.WriteBigEndianU16(IflaVxlan.Port, spec.Port);
        if (spec.SourcePorts is { } ports)
        {
            Span<byte> range = [(byte)(ports.Low >> 8), (byte)ports.Low, (byte)(ports.High >> 8), (byte)ports.High];
            w.WriteAttribute(IflaVxlan.PortRange, range);
        }

        w.WriteU8(IflaVxlan.Learning, spec.Learning ? (byte)1 : (byte)0);
        if (spec.Ttl is { } ttl)
        {
            w.WriteU8(IflaVxlan.Ttl, ttl);
        }

        w.EndNested(data);
        w.EndNested(info);
        w.EndMessage(m);
    }

    /// <summary>RTM_NEWLINK on an existing device: flags (masked by <paramref name="change"/>), MTU, alias.</summary>
    public static void WriteSet(ref NetlinkWriter w, int index, uint flags, uint change, int? mtu, string? alias)
    {
        var m = w.BeginMessage(RtmType.NewLink, NlmFlags.Request | NlmFlags.Ack);
        w.Write(new IfInfoHeader(NlFamily.Unspec, 0, 0, index, flags, change));
        if (mtu is { } value)
        {
            w.WriteU32(IflaAttr.Mtu, (uint)value);
        }

        if (alias is not null)
        {
            // An empty IFLA_IFALIAS clears the alias.
            if (alias.Length == 0)
            {
                w.WriteAttribute(IflaAttr.IfAlias, []);
            }
            else
            {
                w.WriteString(IflaAttr.IfAlias, alias);
            }
        }

        w.EndMessage(m);
    }

    /// <summary>
    /// RTM_NEWLINK (RTM_SETLINK semantics) with IFLA_AF_SPEC / AF_INET / IFLA_INET_CONF: sets IPv4 per-device settings,
    /// <c>sysctl net.ipv4.conf.DEV.KEY=VALUE</c> without /proc/sys. Each entry is IPV4_DEVCONF_* index and value.
    /// </summary>
    public static void WriteSetIpv4Conf(ref NetlinkWriter w, int index, IReadOnlyList<KeyValuePair<int, uint>> settings)
    {
        var m = w.BeginMessage(RtmType.NewLink, NlmFlags.Request | NlmFlags.Ack);
        w.Write(new IfInfoHeader(NlFamily.Unspec, 0, 0, index, 0, 0));
        var spec = w.BeginNested(IflaAttr.AfSpec);
        var inet = w.BeginNested(IflaInet.AfInet);
        var conf = w.BeginNested(IflaInet.Conf);
        foreach (var (key, value) in settings)
        {
            w.WriteU32((ushort)key, value);
        }

        w.EndNested(conf);
        w.EndNested(inet);
        w.EndNested(spec);
        w.EndMessage(m);
    }

    /// <summary>RTM_DELLINK by index: <c>ip link del dev X</c>.</summary>
    public static void WriteDelete(ref NetlinkWriter w, int index)
    {
        var m = w.BeginMessage(RtmType.DelLink, NlmFlags.Request | NlmFlags.Ack);
        w.Write(new IfInfoHeader(NlFamily.Unspec, 0, 0, index, 0, 0));
        w.EndMessage(m);
    }

    /// <summary>Decodes an RTM_NEWLINK/RTM_DELLINK message; other types give null.</summary>
    public static Link? Decode(in NlMsgHeader header, ReadOnlySpan<byte> payload)
    {
        if (header.Type is not (RtmType.NewLink or RtmType.DelLink))
        {
            return null;
        }

        var ifi = NetlinkValue.ReadHeader<IfInfoHeader>(payload, out var attributes);
        string? name = null, kind = null, alias = null;
        int mtu = 0;
        int? parent = null, master = null;
        var operState = LinkOperState.Unknown;
        System.Net.NetworkInformation.PhysicalAddress? mac = null;
        VxlanSettings? vxlan = null;
        Ipv4DeviceConf? ipv4 = null;
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.TryRead(out var type, out var value))
        {
            switch (type)
            {
                case IflaAttr.IfName: name = NetlinkValue.String(value); break;
                case IflaAttr.Mtu: mtu = (int)NetlinkValue.U32(type, value); break;
                case IflaAttr.Address: mac = NetlinkValue.LinkLayerAddress(value); break;
                case IflaAttr.IfAlias: alias = NetlinkValue.String(value); break;
                case IflaAttr.Link: parent = (int)NetlinkValue.U32(type, value); break;
                case IflaAttr.Master: master = (int)NetlinkValue.U32(type, value); break;
                case IflaAttr.OperState: operState = (LinkOperState)NetlinkValue.U8(type, value); break;
                case IflaAttr.LinkInfo: (kind, vxlan) = DecodeLinkInfo(value); break;
                case IflaAttr.AfSpec: ipv4 = DecodeIpv4Conf(value); break;
                default: break;
            }
        }

        if (name is null)
        {
            ThrowHelper.ThrowMissing("IFLA_IFNAME");
        }

        return new Link(ifi.Index, name)
        {
            Kind = kind,
            Flags = (LinkFlags)ifi.Flags,
            OperState = operState,
            Mtu = mtu,
            Mac = mac,
            Alias = string.IsNullOrEmpty(alias) ? null : alias,
            ParentIndex = parent,
            MasterIndex = master,
            Vxlan = vxlan,
            Ipv4Conf = ipv4,
        };
    }

    // IFLA_AF_SPEC holds one entry per address family; AF_INET's IFLA_INET_CONF is a plain u32 array in a dump.
    private static Ipv4DeviceConf? DecodeIpv4Conf(ReadOnlySpan<byte> afSpec)
    {
        var families = new NetlinkAttributeReader(afSpec);
        while (families.TryRead(out var family, out var entry))
        {
            if (family != IflaInet.AfInet)
            {
                continue;
            }

            var inet = new NetlinkAttributeReader(entry);
            while (inet.TryRead(out var type, out var conf))
            {
                if (type == IflaInet.Conf && conf.Length >= Ipv4DeviceConf.RpFilterIndex * 4)
                {
                    return new Ipv4DeviceConf(
                        System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(conf[((Ipv4DeviceConf.ForwardingIndex - 1) * 4)..]),
                        System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(conf[((Ipv4DeviceConf.RpFilterIndex - 1) * 4)..]));
                }
            }
        }

        return null;
    }

    private static (string? Kind, VxlanSettings? Vxlan) DecodeLinkInfo(ReadOnlySpan<byte> linkInfo)
    {
        string? kind = null;
        ReadOnlySpan<byte> data = default;
        var hasData = false;
        var reader = new NetlinkAttributeReader(linkInfo);
        while (reader.TryRead(out var type, out var value))
        {
            if (type == IflaInfo.Kind)
            {
                kind = NetlinkValue.String(value);
            }
            else if (type == IflaInfo.Data)
            {
                data = value;
                hasData = true;
            }
        }

        return (kind, kind == "vxlan" && hasData ? DecodeVxlan(data) : null);
    }

    /// <summary>Decodes IFLA_INFO_DATA of a VXLAN device (the counterpart of <see cref="WriteVxlanCreate"/>).</summary>
    public static VxlanSettings DecodeVxlan(ReadOnlySpan<byte> data)
    {
        var s = new VxlanSettings();
        var reader = new NetlinkAttributeReader(data);
        while (reader.TryRead(out var type, out var value))
        {
            s = type switch
            {
                IflaVxlan.Id => s with { Vni = NetlinkValue.U32(type, value) },
                IflaVxlan.Group or IflaVxlan.Group6 => s with { Group = NetlinkValue.Address(type, value) },
                IflaVxlan.Local or IflaVxlan.Local6 => s with { Local = NetlinkValue.Address(type, value) },
                IflaVxlan.Link => s with { UnderlayIndex = (int)NetlinkValue.U32(type, value) },
                IflaVxlan.Port => s with { Port = NetlinkValue.BigEndianU16(type, value) },
                IflaVxlan.PortRange => s with { SourcePorts = DecodePortRange(type, value) },
                IflaVxlan.Learning => s with { Learning = Bool(type, value) },
                IflaVxlan.Ttl => s with { Ttl = NetlinkValue.U8(type, value) },
                IflaVxlan.TtlInherit => s with { TtlInherit = Flag(value) },
                IflaVxlan.Tos => s with { Tos = NetlinkValue.U8(type, value) },
                IflaVxlan.Df => s with { Df = NetlinkValue.U8(type, value) },
                IflaVxlan.Label => s with { Label = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(NetlinkValue.U32(type, value)) },
                IflaVxlan.Ageing => s with { Ageing = NetlinkValue.U32(type, value) },
                IflaVxlan.Limit => s with { Limit = NetlinkValue.U32(type, value) },
                IflaVxlan.Proxy => s with { Proxy = Bool(type, value) },
                IflaVxlan.Rsc => s with { RouteShortCircuit = Bool(type, value) },
                IflaVxlan.L2Miss => s with { L2Miss = Bool(type, value) },
                IflaVxlan.L3Miss => s with { L3Miss = Bool(type, value) },
                IflaVxlan.UdpCsum => s with { UdpChecksum = Bool(type, value) },
                IflaVxlan.UdpZeroCsum6Tx => s with { UdpZeroChecksum6Tx = Bool(type, value) },
                IflaVxlan.UdpZeroCsum6Rx => s with { UdpZeroChecksum6Rx = Bool(type, value) },
                IflaVxlan.RemcsumTx => s with { RemoteChecksumTx = Bool(type, value) },
                IflaVxlan.RemcsumRx => s with { RemoteChecksumRx = Bool(type, value) },
                IflaVxlan.RemcsumNoPartial => s with { RemoteChecksumNoPartial = Flag(value) },
                IflaVxlan.Gbp => s with { Gbp = Flag(value) },
                IflaVxlan.Gpe => s with { Gpe = Flag(value) },
                IflaVxlan.CollectMetadata => s with { CollectMetadata = Bool(type, value) },
                IflaVxlan.VniFilter => s with { VniFilter = Bool(type, value) },
                IflaVxlan.LocalBypass => s with { LocalBypass = Bool(type, value) },
                _ => s,
            };
        }

        return s;
    }

    private static VxlanPortRange DecodePortRange(ushort type, ReadOnlySpan<byte> value)
    {
        if (value.Length < 4)
        {
            ThrowHelper.ThrowBadAttributeSize(type, 4, value.Length);
        }

        return new VxlanPortRange(
            System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(value),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(value[2..]));
    }

    private static bool Bool(ushort type, ReadOnlySpan<byte> value) => NetlinkValue.U8(type, value) != 0;

    // Some VXLAN options are NLA_FLAG: present means on; a u8 form (newer kernels for TTL_INHERIT off) is read too.
    private static bool Flag(ReadOnlySpan<byte> value) => value.IsEmpty || value[0] != 0;
}
