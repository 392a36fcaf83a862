using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink;

public sealed partial class RtnlClient
{
    /// <summary>Every device in the namespace: <c>ip -d link show</c>.</summary>
    public IReadOnlyList<Link> GetLinks() =>
        Dump((ref NetlinkWriter w) => LinkCodec.WriteDump(ref w), "RTM_GETLINK dump", LinkCodec.Decode);

    /// <summary>One device by name, or null when there is none: <c>ip -d link show dev NAME</c>.</summary>
    public Link? GetLink(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Get((ref NetlinkWriter w) => LinkCodec.WriteGet(ref w, name, 0), $"RTM_GETLINK {name}", LinkCodec.Decode);
    }

    /// <summary>One device by index, or null when there is none.</summary>
    public Link? GetLink(int index) =>
        Get((ref NetlinkWriter w) => LinkCodec.WriteGet(ref w, null, index), $"RTM_GETLINK #{index}", LinkCodec.Decode);

    /// <summary>
    /// Creates a VXLAN device and returns it as the kernel reports it: <c>ip link add NAME type vxlan id VNI local IP
    /// dev UNDERLAY dstport P srcport LOW HIGH [no]learning ttl T</c>, then <c>ip link set NAME alias A [up]</c>.
    /// Throws (EEXIST) when a device of that name exists. If setting the alias or up fails, the new device is deleted again.
    /// </summary>
    public Link VxlanAdd(VxlanLinkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Execute((ref NetlinkWriter w) => LinkCodec.WriteVxlanCreate(ref w, spec), $"RTM_NEWLINK {spec.Name} (vxlan id {spec.Vni})");
        var link = GetLink(spec.Name) ?? throw new NetlinkException($"RTM_NEWLINK {spec.Name}: the kernel accepted the device but it is gone");
        if (spec.Alias is not null || spec.Up)
        {
            try
            {
                // The kernel ignores IFLA_IFALIAS on creation, so alias and up follow as one change.
                var up = spec.Up ? IffFlags.Up : 0;
                Execute((ref NetlinkWriter w) => LinkCodec.WriteSet(ref w, link.Index, up, up, null, spec.Alias), $"RTM_NEWLINK {spec.Name} (alias, up)");
            }
            catch (NetlinkException)
            {
                LinkDelete(link.Index);
                throw;
            }

            link = GetLink(link.Index) ?? link;
        }

        return link;
    }

    /// <summary>Sets a device's MTU: <c>ip link set dev X mtu M</c>.</summary>
    public void LinkSetMtu(int index, int mtu) =>
        Execute((ref NetlinkWriter w) => LinkCodec.WriteSet(ref w, index, 0, 0, mtu, null), $"RTM_NEWLINK #{index} (mtu {mtu})");

    /// <summary>Brings a device up: <c>ip link set dev X up</c>.</summary>
    public void LinkSetUp(int index) =>
        Execute((ref NetlinkWriter w) => LinkCodec.WriteSet(ref w, index, IffFlags.Up, IffFlags.Up, null, null), $"RTM_NEWLINK #{index} (up)");

    /// <summary>Takes a device down: <c>ip link set dev X down</c>.</summary>
    public void LinkSetDown(int index) =>
        Execute((ref NetlinkWriter w) => LinkCodec.WriteSet(ref w, index, 0, IffFlags.Up, null, null), $"RTM_NEWLINK #{index} (down)");

    /// <summary>Sets a device's alias, or clears it with an empty string: <c>ip link set dev X alias A</c>.</summary>
    public void LinkSetAlias(int index, string alias)
    {
        ArgumentNullException.ThrowIfNull(alias);
        Execute((ref NetlinkWriter w) => LinkCodec.WriteSet(ref w, index, 0, 0, null, alias), $"RTM_NEWLINK #{index} (alias '{alias}')");
    }

    /// <summary>
    /// Sets a device's IPv4 forwarding and/or rp_filter (null: leave it): <c>sysctl net.ipv4.conf.DEV.forwarding=F
    /// net.ipv4.conf.DEV.rp_filter=R</c> over rtnetlink, which needs CAP_NET_ADMIN only.
    /// </summary>
    public void LinkSetIpv4Conf(int index, uint? forwarding, uint? rpFilter)
    {
        var settings = new List<KeyValuePair<int, uint>>();
        if (forwarding is { } f)
        {
            settings.Add(new(Ipv4DeviceConf.ForwardingIndex, f));
        }

        if (rpFilter is { } r)
        {
            settings.Add(new(Ipv4DeviceConf.RpFilterIndex, r));
        }

        if (settings.Count == 0)
        {
            return;
        }

        Execute((ref NetlinkWriter w) => LinkCodec.WriteSetIpv4Conf(ref w, index, settings),
            $"RTM_NEWLINK #{index} (ipv4 conf {string.Join(' ', settings.Select(s => (s.Key == Ipv4DeviceConf.ForwardingIndex ? "forwarding=" : "rp_filter=") + s.Value))})");
    }

    /// <summary>Deletes a device: <c>ip link del dev X</c>. Returns false when there was no such device.</summary>
    public bool LinkDelete(int index) =>
        ExecuteDelete((ref NetlinkWriter w) => LinkCodec.WriteDelete(ref w, index), $"RTM_DELLINK #{index}");
}
