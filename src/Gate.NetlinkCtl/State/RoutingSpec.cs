using System.Net;

namespace Gate.NetlinkCtl.State;

/// <summary>
/// A gate's router role: other hosts of the customer's network (<see cref="Sources"/>) reach the device subnet through
/// this peer. gatectl turns IPv4 forwarding on for the gate and its underlay (per device, over rtnetlink), accepts
/// only sources &lt;-&gt; device subnet through the gate in its own nftables table, and optionally masquerades that
/// traffic behind the peer's inner address.
/// </summary>
/// <param name="Forward">Whether this peer forwards between its underlay and the gate.</param>
/// <param name="Masquerade">Whether forwarded traffic leaves the gate with the peer's inner address as its source.</param>
/// <param name="Sources">The networks allowed to reach the device subnet through this peer.</param>
internal sealed record RoutingSpec(bool Forward, bool Masquerade, EquatableList<IPNetwork> Sources)
{
    /// <summary>True when the block asks for anything on the host (forwarding, with its filter and masquerade).</summary>
    public bool Active => Forward && Sources.Count > 0;
}
