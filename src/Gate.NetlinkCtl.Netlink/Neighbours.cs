using System.Net;
using System.Net.NetworkInformation;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>
/// A bridge forwarding database entry on a device (<c>bridge fdb show dev X</c>), AF_BRIDGE. For VXLAN devices
/// <see cref="Destination"/> is the remote tunnel endpoint; the all-zero MAC is the flood list.
/// </summary>
/// <param name="LinkIndex">The device's index.</param>
/// <param name="Mac">The MAC address (00:00:00:00:00:00 for the flood list).</param>
/// <param name="Destination">The remote endpoint (NDA_DST), or null.</param>
public sealed record FdbEntry(int LinkIndex, PhysicalAddress Mac, IPAddress? Destination)
{
    /// <summary>The all-zero MAC: on a VXLAN device, where flooded and unknown frames go.</summary>
    public static PhysicalAddress AllZeroMac { get; } = new([0, 0, 0, 0, 0, 0]);

    /// <summary>The entry's state; NUD_NOARP|NUD_PERMANENT (what <c>bridge fdb ... permanent</c> sends) unless said otherwise.</summary>
    public NeighbourState State { get; init; } = NeighbourState.NoArp | NeighbourState.Permanent;

    /// <summary>True when the entry never expires (NUD_PERMANENT set), whatever other state bits it carries.</summary>
    public bool IsPermanent => (State & NeighbourState.Permanent) != 0;

    /// <summary>The entry's flags; NTF_SELF (the device's own FDB) unless said otherwise.</summary>
    public NeighbourFlags Flags { get; init; } = NeighbourFlags.Self;

    /// <summary>NDA_PORT: the remote UDP port, when it differs from the device's.</summary>
    public ushort? Port { get; init; }

    /// <summary>NDA_VNI: the remote VNI, when it differs from the device's.</summary>
    public uint? Vni { get; init; }

    /// <summary>NDA_IFINDEX: the device used to reach the remote, when set.</summary>
    public int? ViaIndex { get; init; }

    /// <summary>NDA_MASTER: the bridge, for entries in a bridge's FDB.</summary>
    public int? MasterIndex { get; init; }

    /// <summary>NDA_VLAN, when set.</summary>
    public ushort? Vlan { get; init; }

    /// <summary>The entry as <c>bridge fdb</c> prints it.</summary>
    public override string ToString() => Destination is null ? $"{Mac.ToColonString()} dev #{LinkIndex}" : $"{Mac.ToColonString()} dev #{LinkIndex} dst {Destination}";
}

/// <summary>An IP neighbour (ARP) entry (<c>ip neigh show</c>).</summary>
/// <param name="LinkIndex">The device's index.</param>
/// <param name="Address">The neighbour's IP address.</param>
/// <param name="Mac">Its link-layer address, or null (e.g. for a failed entry).</param>
public sealed record Neighbour(int LinkIndex, IPAddress Address, PhysicalAddress? Mac)
{
    /// <summary>The entry's state; permanent unless said otherwise.</summary>
    public NeighbourState State { get; init; } = NeighbourState.Permanent;

    /// <summary>The entry's flags.</summary>
    public NeighbourFlags Flags { get; init; }

    /// <summary>The entry as <c>ip neigh</c> prints it.</summary>
    public override string ToString() => $"{Address} dev #{LinkIndex} lladdr {Mac?.ToColonString() ?? "none"}";
}

/// <summary>Neighbour states (NUD_* in linux/neighbour.h).</summary>
[Flags]
public enum NeighbourState : ushort
{
    /// <summary>NUD_NONE.</summary>
    None = 0,

    /// <summary>NUD_INCOMPLETE.</summary>
    Incomplete = 0x1,

    /// <summary>NUD_REACHABLE.</summary>
    Reachable = 0x2,

    /// <summary>NUD_STALE.</summary>
    Stale = 0x4,

    /// <summary>NUD_DELAY.</summary>
    Delay = 0x8,

    /// <summary>NUD_PROBE.</summary>
    Probe = 0x10,

    /// <summary>NUD_FAILED.</summary>
    Failed = 0x20,

    /// <summary>NUD_NOARP.</summary>
    NoArp = 0x40,

    /// <summary>NUD_PERMANENT: never expires.</summary>
    Permanent = 0x80,
}

/// <summary>Neighbour flags (NTF_* in linux/neighbour.h).</summary>
[Flags]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "Mirrors the kernel's ndm_flags field.")]
public enum NeighbourFlags : byte
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>NTF_USE.</summary>
    Use = 0x1,

    /// <summary>NTF_SELF: the entry lives in the device's own FDB.</summary>
    Self = 0x2,

    /// <summary>NTF_MASTER: the entry lives in the master bridge's FDB.</summary>
    Master = 0x4,

    /// <summary>NTF_PROXY.</summary>
    Proxy = 0x8,

    /// <summary>NTF_EXT_LEARNED.</summary>
    ExternallyLearned = 0x10,

    /// <summary>NTF_OFFLOADED.</summary>
    Offloaded = 0x20,

    /// <summary>NTF_STICKY.</summary>
    Sticky = 0x40,

    /// <summary>NTF_ROUTER.</summary>
    Router = 0x80,
}

/// <summary>Formatting of MAC addresses the way <c>ip</c> prints them.</summary>
public static class PhysicalAddressExtensions
{
    /// <summary>The address as lower-case hex pairs separated by colons, e.g. 00:00:00:00:00:00.</summary>
    public static string ToColonString(this PhysicalAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var bytes = address.GetAddressBytes();
        if (bytes.Length == 0)
        {
            return string.Empty;
        }

        // One string per address (observing 10,000 FDB entries formats 10,000 MACs), not one per byte.
        return string.Create((bytes.Length * 3) - 1, bytes, static (text, bytes) =>
        {
            const string hex = "0123456789abcdef";
            for (var i = 0; i < bytes.Length; i++)
            {
                text[i * 3] = hex[bytes[i] >> 4];
                text[(i * 3) + 1] = hex[bytes[i] & 0xf];
                if (i < bytes.Length - 1)
                {
                    text[(i * 3) + 2] = ':';
                }
            }
        });
    }
}
