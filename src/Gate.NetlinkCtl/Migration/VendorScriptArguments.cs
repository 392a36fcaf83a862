using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Migration;

/// <summary>
/// The arguments a host's Gate was set up with by the vendor's script, in either of its forms:
/// <c>PHY_IF PHY_ADDR VXLAN_IF VXLAN_ADDR NETMASK VPG_IP...</c> (older, VNI fixed at 10) or
/// <c>PHY_IF PHY_ADDR VXLAN_IF VXLAN_ADDR NETMASK VXLAN_ID VPG_IP...</c> (newer). The sixth argument tells them apart:
/// a whole number is a VXLAN_ID, an IPv4 address is the first VPG_IP.
/// </summary>
/// <param name="PhysicalInterface">PHY_IF: the underlay.</param>
/// <param name="PhysicalAddress">PHY_ADDR: this peer's outer IP, the tunnel's local address.</param>
/// <param name="VxlanInterface">VXLAN_IF: the VXLAN device's name.</param>
/// <param name="VxlanAddress">VXLAN_ADDR/NETMASK: this peer's inner address with the device subnet's prefix.</param>
/// <param name="Vni">VXLAN_ID, or 10 for the older form.</param>
/// <param name="VpgAddresses">VPG_IP...: the VPG's outer IPs, one flood entry each.</param>
internal sealed record VendorScriptArguments(
    string PhysicalInterface,
    IPAddress PhysicalAddress,
    string VxlanInterface,
    InterfaceAddress VxlanAddress,
    uint Vni,
    EquatableList<IPAddress> VpgAddresses)
{
    /// <summary>The usage line both forms share, for error messages.</summary>
    public const string Usage = "PHY_IF PHY_ADDR VXLAN_IF VXLAN_ADDR NETMASK [VXLAN_ID] VPG_IP...";

    /// <summary>Reads the script's arguments; on failure returns null and every problem found, each naming the argument.</summary>
    public static (VendorScriptArguments? Arguments, IReadOnlyList<string> Errors) Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count < 6)
        {
            return (null, [$"the vendor script takes {Usage}: {args.Count} argument(s) given, at least 6 needed"]);
        }

        var errors = new List<string>();
        var local = Ipv4(args[1], "PHY_ADDR (argument 2)", errors);
        var inner = Ipv4(args[3], "VXLAN_ADDR (argument 4)", errors);
        var prefix = Prefix(args[4], errors);
        var hasVni = args[5].All(char.IsAsciiDigit);
        uint vni = GateSpec.DefaultVni;
        if (hasVni && (!uint.TryParse(args[5], NumberStyles.None, CultureInfo.InvariantCulture, out vni) || vni is < 1 or > StateLimits.MaxVni))
        {
            errors.Add($"VXLAN_ID (argument 6) '{args[5]}' is not a VNI; expected 1..{StateLimits.MaxVni}");
        }

        var first = hasVni ? 6 : 5;
        if (args.Count <= first)
        {
            errors.Add($"no VPG_IP after VXLAN_ID {args[5]}: give the VPG's outer IPs (its Gate peers with ownedByCustomer false)");
        }

        var vpgs = args.Skip(first).Select((a, i) => Ipv4(a, $"VPG_IP (argument {first + i + 1})", errors)).ToList();
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new VendorScriptArguments(args[0], local!, args[2], new InterfaceAddress(inner!, prefix!.Value), vni, vpgs.Select(v => v!).ToEquatableList()), []);
    }

    private static IPAddress? Ipv4(string text, string what, List<string> errors)
    {
        if (IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') == 3)
        {
            return address;
        }

        errors.Add($"{what} '{text}' is not an IPv4 address");
        return null;
    }

    // The script passes NETMASK straight to "ip addr add ADDR/NETMASK", which takes a prefix length or a dotted mask.
    private static int? Prefix(string text, List<string> errors)
    {
        if (text.All(char.IsAsciiDigit) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var length) && length is >= 0 and <= 32)
        {
            return length;
        }

        if (IPAddress.TryParse(text, out var mask) && mask.AddressFamily == AddressFamily.InterNetwork)
        {
            var bits = BitConverter.ToUInt32([.. mask.GetAddressBytes().Reverse()]);
            var ones = System.Numerics.BitOperations.PopCount(bits);
            if (bits == (ones == 0 ? 0 : uint.MaxValue << (32 - ones)))
            {
                return ones;
            }
        }

        errors.Add($"NETMASK (argument 5) '{text}' is neither a prefix length 0..32 nor a contiguous dotted netmask such as 255.128.0.0");
        return null;
    }
}
