using System.Text;
using System.Text.RegularExpressions;
using Gate.NetlinkCtl.Rendering;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Rendering;

/// <summary>
/// Every key the networkd and NetworkManager templates write is one their consumer documents, and (where the
/// consumer is installed) one its parser knows.
/// </summary>
public sealed partial class DocumentedKeysTests
{
    // systemd 252 manual pages: systemd.netdev(5), systemd.network(5), systemd.link(5)
    // (https://www.freedesktop.org/software/systemd/man/systemd.netdev.html and siblings). Only the sections
    // gatectl writes, with the keys of each that matter for a VXLAN gate.
    private static readonly Dictionary<string, HashSet<string>> NetdevKeys = new()
    {
        ["NetDev"] = ["Description", "Name", "Kind", "MTUBytes", "MACAddress"],
        ["VXLAN"] =
        [
            "VNI", "Remote", "Local", "Group", "TOS", "TTL", "MacLearning", "FDBAgeingSec", "MaximumFDBEntries",
            "ReduceARPProxy", "L2MissNotification", "L3MissNotification", "RouteShortCircuit", "UDPChecksum",
            "UDP6ZeroChecksumTx", "UDP6ZeroChecksumRx", "RemoteChecksumTx", "RemoteChecksumRx",
            "GroupPolicyExtension", "GenericProtocolExtension", "DestinationPort", "PortRange", "FlowLabel",
            "IPDoNotFragment", "Independent",
        ],
    };

    private static readonly Dictionary<string, HashSet<string>> NetworkKeys = new()
    {
        ["Match"] = ["Name", "MACAddress", "PermanentMACAddress", "Type", "Kind", "Driver", "Path"],
        ["Link"] = ["MTUBytes", "RequiredForOnline", "ActivationPolicy", "ARP", "Multicast"],
        ["Network"] = ["Address", "Gateway", "VXLAN", "LinkLocalAddressing", "IPv6AcceptRA", "ConfigureWithoutCarrier", "DHCP", "IPForward"],
        ["Address"] = ["Address", "Peer", "Label", "RouteMetric", "Scope", "PreferredLifetimeSec"],
        ["BridgeFDB"] = ["MACAddress", "Destination", "VLANId", "VNI", "AssociatedWith", "OutgoingInterface"],
        ["Route"] = ["Destination", "Gateway", "GatewayOnLink", "Metric", "Protocol", "Scope", "Table", "Source"],
    };

    private static readonly Dictionary<string, HashSet<string>> LinkKeys = new()
    {
        ["Match"] = ["OriginalName", "MACAddress", "Driver", "Type", "Kind", "Path"],
        ["Link"] = ["Alias", "Description", "MACAddressPolicy", "MACAddress", "Name", "NamePolicy", "MTUBytes"],
    };

    // NetworkManager 1.42: nm-settings-keyfile(5) and nm-settings-nmcli(5)
    // (https://networkmanager.dev/docs/api/1.42/nm-settings-keyfile.html). addressN/routeN are the keyfile
    // spellings of ipv4.addresses/ipv4.routes.
    private static readonly Dictionary<string, HashSet<string>> KeyfileKeys = new()
    {
        ["connection"] = ["id", "uuid", "type", "interface-name", "autoconnect", "permissions", "zone"],
        ["vxlan"] =
        [
            "id", "local", "remote", "parent", "destination-port", "source-port-min", "source-port-max",
            "learning", "ageing", "limit", "tos", "ttl", "proxy", "l2-miss", "l3-miss", "rsc",
        ],
        ["ethernet"] = ["mtu", "cloned-mac-address"],
        ["ipv4"] = ["method", "address1", "route1", "dns", "gateway", "route-metric", "never-default"],
        ["ipv6"] = ["method", "addr-gen-mode"],
    };

    [Fact]
    public void Every_networkd_key_rendered_is_one_systemd_documents()
    {
        foreach (var file in Rendered(RenderFormat.Networkd))
        {
            var documented = DocumentedFor(file.RelativePath);
            foreach (var entry in IniEntry.Parse(file.Content))
            {
                Assert.True(
                    documented.TryGetValue(entry.Section, out var keys) && keys.Contains(entry.Key),
                    $"{file.RelativePath}: [{entry.Section}] {entry.Key}= is not in the documented keys");
            }
        }
    }

    [Fact]
    public void Every_keyfile_key_rendered_is_one_NetworkManager_documents()
    {
        foreach (var file in Rendered(RenderFormat.NmKeyfile))
        {
            foreach (var entry in IniEntry.Parse(file.Content))
            {
                var key = NumberedKey().Replace(entry.Key, "${name}1");
                Assert.True(
                    KeyfileKeys.TryGetValue(entry.Section, out var keys) && keys.Contains(key),
                    $"{file.RelativePath}: [{entry.Section}] {entry.Key}= is not in the documented keys");
            }
        }
    }

    [Fact]
    public void Every_networkd_key_rendered_is_one_the_installed_systemd_parses()
    {
        // networkd's and udev's parsers look keys up in tables of "Section.Key" strings compiled into their binaries.
        var networkd = Binary(["/lib/systemd/systemd-networkd", "/usr/lib/systemd/systemd-networkd"], "systemd-networkd");
        var udevadm = Binary(["/bin/udevadm", "/usr/bin/udevadm"], "udevadm");
        foreach (var file in Rendered(RenderFormat.Networkd))
        {
            var parser = file.RelativePath.EndsWith(".link", StringComparison.Ordinal) ? udevadm : networkd;
            foreach (var entry in IniEntry.Parse(file.Content))
            {
                Assert.True(
                    parser.Contains($"\0{entry.Section}.{entry.Key}\0", StringComparison.Ordinal),
                    $"{file.RelativePath}: [{entry.Section}] {entry.Key}= is unknown to the installed parser");
            }
        }
    }

    private static Dictionary<string, HashSet<string>> DocumentedFor(string path) =>
        path.EndsWith(".netdev", StringComparison.Ordinal) ? NetdevKeys
        : path.EndsWith(".link", StringComparison.Ordinal) ? LinkKeys
        : NetworkKeys; // .network files and their .network.d/*.conf drop-ins

    // The first gate routes, so the keys its routing block adds are checked too.
    private static IReadOnlyList<RenderedFile> Rendered(RenderFormat format)
    {
        var three = SampleStates.ThreeGates();
        var routing = new RoutingSpec(true, true, new EquatableList<System.Net.IPNetwork>([System.Net.IPNetwork.Parse("203.0.113.0/24")]));
        var routed = three with { Gates = three.Gates.Select((g, i) => i == 0 ? g with { Routing = routing } : g).ToEquatableList() };
        return StateRenderer.Default.Render(routed, format, "state.yaml");
    }

    private static string Binary(string[] candidates, string name)
    {
        var path = candidates.FirstOrDefault(File.Exists);
        Prerequisites.Require(path is not null, $"needs {name} (apt-get install systemd) to check keys against its parser");
        return Encoding.Latin1.GetString(File.ReadAllBytes(path!));
    }

    [GeneratedRegex(@"^(?<name>address|route)\d+$")]
    private static partial Regex NumberedKey();
}
