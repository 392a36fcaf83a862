using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Migration;

/// <summary>
/// The vendor's Gate setup script, command for command, run in a namespace of the test's own through CliWrap with
/// argument arrays. Its arguments are substituted by position as the script does, without gatectl's parser, so an
/// import is checked against what the script really makes.
/// </summary>
internal static class VendorSetupScript
{
    /// <summary>
    /// The newer script: <c>PHY_IF PHY_ADDR VXLAN_IF VXLAN_ADDR NETMASK VXLAN_ID VPG_IP...</c>, or with
    /// <paramref name="withVxlanId"/> false the older one (no VXLAN_ID, VNI 10). Left out on purpose: the older script's
    /// <c>rmmod vxlan; modprobe vxlan udp_port=4789</c>, which removes every VXLAN device on the machine (other tests'
    /// too) and changes nothing a device's attributes show; and <c>modprobe</c>, a no-op with VXLAN loaded.
    /// </summary>
    public static async Task RunAsync(string ns, bool withVxlanId, params string[] args)
    {
        var (phyIf, phyAddr, vxlanIf, vxlanAddr, netmask) = (args[0], args[1], args[2], args[3], args[4]);
        var vni = withVxlanId ? args[5] : "10";
        var peers = args.Skip(withVxlanId ? 6 : 5);

        // "ip link del $VXLAN_IF": the script ignores its failure when there is none.
        if ((await TestNamespace.RunAsync("ip", ["-n", ns, "-o", "link", "show"])).Contains($": {vxlanIf}:", StringComparison.Ordinal))
        {
            await TestNamespace.RunAsync("ip", ["-n", ns, "link", "del", vxlanIf]);
        }

        await TestNamespace.RunAsync("ip", ["-n", ns, "link", "add", vxlanIf, "type", "vxlan", "local", phyAddr, "id", vni,
            "dstport", "4789", "srcport", "4789", "4789", "dev", phyIf]);
        await TestNamespace.RunAsync("ip", ["-n", ns, "addr", "add", $"{vxlanAddr}/{netmask}", "dev", vxlanIf]);
        await TestNamespace.RunAsync("ip", ["-n", ns, "link", "set", "up", vxlanIf]);
        foreach (var peer in peers)
        {
            await TestNamespace.RunAsync("bridge", ["-n", ns, "fdb", "append", "00:00:00:00:00:00", "dev", vxlanIf, "dst", peer]);
        }
    }
}
