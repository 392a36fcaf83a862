using System.Net;

namespace Gate.NetlinkCtl.State;

/// <summary>
/// A gate's gateway role (SORACOM Junction redirection): the VPG sends the devices' traffic for anywhere to this peer,
/// which forwards it out of <see cref="Egress"/>, optionally masqueraded, and lets only the answers back into the gate.
/// </summary>
/// <param name="Egress">The interface the devices' traffic leaves by (not the gate itself).</param>
/// <param name="Masquerade">Whether the traffic leaves with the egress interface's address as its source.</param>
/// <param name="Destinations">What the devices may reach through this peer; empty means everything outside the device subnet.</param>
internal sealed record GatewaySpec(string Egress, bool Masquerade, EquatableList<IPNetwork> Destinations);
