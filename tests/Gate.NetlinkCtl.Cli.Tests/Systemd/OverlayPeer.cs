using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Systemd;

/// <summary>
/// A Gate Peer made by hand beside a systemd machine: a veth from the machine's namespace into the peer's, and in the
/// peer a VXLAN device (VNI 10, port 4789) that floods to the machine and carries an inner address. Packets reach
/// that address only through the overlay of the gate gatectl keeps inside the machine.
/// </summary>
internal static class OverlayPeer
{
    /// <summary>Wires <paramref name="peer"/> to <paramref name="machine"/>.</summary>
    /// <param name="machine">The machine's network namespace.</param>
    /// <param name="peer">The peer's namespace.</param>
    /// <param name="link">The veth's name in the machine; its end in the peer is this plus "p".</param>
    /// <param name="machineOuter">The machine's outer address on the veth (a /24).</param>
    /// <param name="peerOuter">The peer's outer address (a /24).</param>
    /// <param name="vxlan">The peer's VXLAN device.</param>
    /// <param name="inner">The inner address with its prefix.</param>
    public static async Task ConnectAsync(TestNamespace machine, TestNamespace peer, string link, string machineOuter, string peerOuter, string vxlan, string inner)
    {
        await machine.IpAsync("link", "add", link, "type", "veth", "peer", "name", link + "p", "netns", peer.Name);
        await machine.IpAsync("address", "add", machineOuter + "/24", "dev", link);
        await machine.IpAsync("link", "set", link, "up");
        await peer.IpAsync("address", "add", peerOuter + "/24", "dev", link + "p");
        await peer.IpAsync("link", "set", link + "p", "up");
        await peer.IpAsync("link", "add", vxlan, "type", "vxlan", "id", "10", "local", peerOuter, "dev", link + "p", "dstport", "4789");
        await peer.IpAsync("address", "add", inner, "dev", vxlan);
        await peer.IpAsync("link", "set", vxlan, "up");
        await peer.BridgeAsync("fdb", "append", "00:00:00:00:00:00", "dev", vxlan, "dst", machineOuter);
    }
}
