using System.Net;

namespace Gate.NetlinkCtl.State;

/// <summary>
/// A gate's high-availability pair: a virtual inner address that keepalived (VRRP, unicast over the overlay) keeps on
/// exactly one of the Gate Peers. gatectl renders keepalived's configuration and leaves the address itself to keepalived.
/// </summary>
/// <param name="VirtualAddress">The address devices talk to, inside the device subnet with its prefix.</param>
/// <param name="RouterId">The VRRP virtual router id, 1..255, the same on every peer of the pair and unique per gate.</param>
/// <param name="Priority">This host's VRRP priority, 1..254; the highest running peer holds the address.</param>
/// <param name="Peers">The other peers' inner addresses, where VRRP advertisements are sent (unicast).</param>
internal sealed record HaSpec(InterfaceAddress VirtualAddress, byte RouterId, byte Priority, EquatableList<IPAddress> Peers)
{
    /// <summary>The lowest VRRP priority a host may have.</summary>
    public const int MinPriority = 1;

    /// <summary>The highest VRRP priority a backup may have (255 means "owns the address" in VRRP, which no peer does here).</summary>
    public const int MaxPriority = 254;

    /// <summary>The lowest VRRP virtual router id.</summary>
    public const int MinRouterId = 1;

    /// <summary>The highest VRRP virtual router id.</summary>
    public const int MaxRouterId = 255;
}
