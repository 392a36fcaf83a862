using System.Net;
using System.Net.Sockets;

namespace Gate.NetlinkCtl.SoracomApi;

/// <summary>One entry of a VPG's Gate peers: the VPG's own endpoint (<see cref="OwnedByCustomer"/> false) or a customer's host.</summary>
/// <param name="Outer">Its outer (underlay) IPv4 address.</param>
/// <param name="Inner">Its inner IPv4 address, when the API gives one.</param>
/// <param name="OwnedByCustomer">False for the VPG's own endpoints, true for Gate Peers like this host.</param>
public sealed record GatePeer(IPAddress Outer, IPAddress? Inner, bool OwnedByCustomer)
{
    /// <summary>Reads the API's entry; null when it has no usable IPv4 outer address or no owner flag.</summary>
    internal static GatePeer? FromJson(GatePeerJson json)
    {
        if (ParseIpv4(json.OuterIpAddress) is not { } outer || json.OwnedByCustomer is not { } owned)
        {
            return null;
        }

        return new GatePeer(outer, ParseIpv4(json.InnerIpAddress), owned);
    }

    /// <summary>The entry as the API (and the cache) writes it.</summary>
    internal GatePeerJson ToJson() => new(Outer.ToString(), Inner?.ToString(), null, OwnedByCustomer);

    private static IPAddress? ParseIpv4(string? text) =>
        text is not null && IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetwork
        && text.Count(c => c == '.') == 3 ? address : null;
}
