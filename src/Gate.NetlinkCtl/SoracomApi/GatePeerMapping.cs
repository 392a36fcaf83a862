using System.Net;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.SoracomApi;

/// <summary>
/// Turns a VPG's Gate peers into a gate's flood list: entries with <c>ownedByCustomer: false</c> are the VPG's
/// endpoints, the customer-owned others (not this host's own outer IP) are peers; the literal lists come first.
/// The VPG's endpoints' inner addresses join the gate's probe targets, so <c>gatectl check</c> and the daemon's
/// <c>health</c> probe ping the VPG through the overlay without a <c>probe:</c> list.
/// </summary>
internal static class GatePeerMapping
{
    /// <summary>The gate with its literal endpoints and peers joined by the API's (no repeats, this host left out).</summary>
    public static GateSpec Merge(GateSpec gate, IReadOnlyList<GatePeer> peers)
    {
        var endpoints = gate.Endpoints
            .Concat(peers.Where(p => !p.OwnedByCustomer).Select(p => p.Outer).OrderBy(Key))
            .Where(a => !a.Equals(gate.Local))
            .Distinct()
            .ToList();
        var known = endpoints.Concat(gate.Peers.Select(p => p.Outer)).Append(gate.Local).ToHashSet();
        var inners = gate.Peers.Where(p => p.Inner is not null).Select(p => p.Inner!).Append(gate.Address.Address).ToHashSet();
        var added = new List<PeerSpec>();
        foreach (var peer in peers.Where(p => p.OwnedByCustomer).OrderBy(p => Key(p.Outer)))
        {
            if (!known.Add(peer.Outer))
            {
                continue;
            }

            // An inner outside the device subnet (or taken) is only a label here: it is left out rather than trusted.
            var inner = peer.Inner is { } i && gate.DeviceSubnet.Contains(i) && inners.Add(i) ? i : null;
            added.Add(new PeerSpec(peer.Outer, inner, "soracom"));
        }

        // The same trust as a peer's inner: inside the device subnet and not an address the gate already knows.
        var vpgInners = peers.Where(p => !p.OwnedByCustomer && p.Inner is { } i && gate.DeviceSubnet.Contains(i) && !inners.Contains(i))
            .Select(p => p.Inner!)
            .OrderBy(Key);
        return gate with
        {
            Endpoints = endpoints.ToEquatableList(),
            Peers = gate.Peers.Concat(added).ToEquatableList(),
            ProbeTargets = gate.ProbeTargets.Concat(vpgInners).Distinct().ToEquatableList(),
        };
    }

    /// <summary>The VPG's own endpoints in an answer.</summary>
    public static IEnumerable<GatePeer> Endpoints(IEnumerable<GatePeer> peers) => peers.Where(p => !p.OwnedByCustomer);

    private static uint Key(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
    }
}
