using System.Net;
using System.Net.Sockets;

namespace Gate.NetlinkCtl.SoracomApi;

/// <summary>One entry of a VPG's Gate peers: the VPG's own endpoint (<see cref="OwnedByCustomer"/> false) or a customer's host.</summary>
/// <param name="Outer">Its outer (underlay) IPv4 address.</param>
/// <param name="Inner">Its inner IPv4 address, when the API gives one.</param>
/// <param name="OwnedByCustomer">False for the VPG's own endpoints, true for Gate Peers like this host.</param>
internal sealed record GatePeer(IPAddress Outer, IPAddress? Inner, bool OwnedByCustomer)
{
    /// <summary>
    /// Reads the API's entry; null when gatectl cannot use it (no IPv4 outer address, no owner flag), with why in
    /// <paramref name="skipped"/>. The spec requires no field, so such an entry is legal and only skipped.
    /// </summary>
    internal static GatePeer? FromJson(GatePeerJson json, out string? skipped)
    {
        skipped = null;
        if (ParseIpv4(json.OuterIpAddress) is not { } outer)
        {
            skipped = json.OuterIpAddress is null ? "it has no outerIpAddress" : $"outerIpAddress '{json.OuterIpAddress}' is not an IPv4 address (gatectl's tunnels are IPv4)";
        }
        else if (json.OwnedByCustomer is not { } owned)
        {
            skipped = "it has no ownedByCustomer, so it is neither a known VPG endpoint nor a known peer";
        }
        else
        {
            return new GatePeer(outer, ParseIpv4(json.InnerIpAddress), owned);
        }

        return null;
    }

    /// <summary>The entry as the API (and the cache) writes it.</summary>
    internal GatePeerJson ToJson() => new(Outer.ToString(), Inner?.ToString(), null, OwnedByCustomer);

    private static IPAddress? ParseIpv4(string? text) =>
        text is not null && IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetwork
        && text.Count(c => c == '.') == 3 ? address : null;
}

/// <summary>A VPG's Gate peers as gatectl can use them, and the entries it skipped (each named, with why).</summary>
/// <param name="Peers">The usable entries.</param>
/// <param name="Skipped">One line per skipped entry, such as <c>entry 3 (outerIpAddress 2001:db8::1): ... not IPv4</c>.</param>
internal sealed record GatePeerList(IReadOnlyList<GatePeer> Peers, IReadOnlyList<string> Skipped);

/// <summary>The Gate settings of a VPG that decide whether a gate can work: open, its VNI, its device subnet.</summary>
/// <param name="VpgId">The VPG.</param>
/// <param name="GateOpened">Whether Gate is open (null when the API did not say).</param>
/// <param name="Vni">The VPG's <c>gateVxlanId</c> (null when absent or not a VNI).</param>
/// <param name="DeviceSubnet">The VPG's <c>deviceSubnetCidrRange</c> (null when absent or not an IPv4 prefix).</param>
internal sealed record VirtualPrivateGateway(string VpgId, bool? GateOpened, uint? Vni, IPNetwork? DeviceSubnet)
{
    internal static VirtualPrivateGateway FromJson(string vpgId, VirtualPrivateGatewayJson json) => new(
        vpgId,
        json.GateOpened,
        json.GateVxlanId is { } v && v == Math.Floor(v) && v is >= 1 and <= 16777215 ? (uint)v : null,
        IPNetwork.TryParse(json.DeviceSubnetCidrRange ?? "", out var subnet) && subnet.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? subnet : null);

    internal VirtualPrivateGatewayJson ToJson() => new(VpgId, null, GateOpened, Vni, DeviceSubnet?.ToString());
}

/// <summary>What the API says of one VPG: its Gate settings and its Gate peers.</summary>
/// <param name="Vpg">The VPG's Gate settings.</param>
/// <param name="Peers">Its Gate peers (and the skipped entries).</param>
internal sealed record VpgAnswer(VirtualPrivateGateway Vpg, GatePeerList Peers);
