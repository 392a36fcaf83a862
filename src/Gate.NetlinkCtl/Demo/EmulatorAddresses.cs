using System.Net;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Demo;

/// <summary>
/// The emulator's fixed plan of addresses, SORACOM's shape drawn with test addresses only:
/// underlay from TEST-NET-1/2 (the real VPG endpoints sit in 100.64.0.0/10), the device subnet inside
/// 198.18.0.0/15 (the real default is 10.128.0.0/9).
/// </summary>
internal static class EmulatorAddresses
{
    /// <summary>The device subnet the emulated VPG owns.</summary>
    public static IPNetwork DeviceSubnet { get; } = IPNetwork.Parse("198.18.0.0/16");

    /// <summary>The Gate Peer's outer (underlay) address, as a cloud host would have it.</summary>
    public static InterfaceAddress PeerOuter { get; } = new(IPAddress.Parse("192.0.2.10"), 24);

    /// <summary>The underlay router's address on the peer's link, the peer's default gateway.</summary>
    public static IPAddress PeerGateway { get; } = IPAddress.Parse("192.0.2.1");

    /// <summary>The Gate Peer's inner address in the device subnet.</summary>
    public static InterfaceAddress PeerInner { get; } = new(IPAddress.Parse("198.18.0.10"), 16);

    /// <summary>The VPG's two tunnel endpoints, each on its own /25 like SORACOM's .4 and .132 pair.</summary>
    public static IReadOnlyList<(InterfaceAddress Outer, IPAddress Gateway)> Endpoints { get; } =
    [
        (new(IPAddress.Parse("198.51.100.4"), 25), IPAddress.Parse("198.51.100.1")),
        (new(IPAddress.Parse("198.51.100.132"), 25), IPAddress.Parse("198.51.100.129")),
    ];

    /// <summary>The VPC host's address: a cloud host that is not a Gate Peer and reaches the devices through the peer.</summary>
    public static InterfaceAddress VpcHost { get; } = new(IPAddress.Parse("203.0.113.20"), 25);

    /// <summary>The underlay router's address on the VPC host's link, its default gateway.</summary>
    public static IPAddress VpcGateway { get; } = IPAddress.Parse("203.0.113.1");

    /// <summary>The peer's egress address towards the emulated internet (the gateway block's egress).</summary>
    public static InterfaceAddress PeerEgress { get; } = new(IPAddress.Parse("203.0.113.129"), 25);

    /// <summary>A server on the emulated internet, beyond the peer's egress.</summary>
    public static InterfaceAddress InternetServer { get; } = new(IPAddress.Parse("203.0.113.130"), 25);

    /// <summary>The inner address of SIM number <paramref name="index"/> (1-based).</summary>
    public static InterfaceAddress Sim(int index) => new(IPAddress.Parse($"198.18.1.{index}"), 16);
}
