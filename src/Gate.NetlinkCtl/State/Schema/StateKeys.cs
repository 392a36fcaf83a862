using System.Net;

namespace Gate.NetlinkCtl.State;

/// <summary>
/// The state-file schema, declared once: every mapping's keys in order, each with its doc columns and how it is read.
/// The loader takes its key lists, messages, parsers, fallbacks and ranges from here; the writer its key order; the
/// key tables of docs/state-schema.md are generated from it (<see cref="StateSchemaDoc"/>).
/// A new block is one <see cref="BlockKey"/> in <see cref="Gate"/>, a class like <see cref="Ha"/> with its keys,
/// and its parser (like <see cref="HaYaml"/>).
/// </summary>
internal static class StateKeys
{
    private const string Required = SchemaKey.RequiredDefault;
    private const string None = "none";
    private const string Empty = "`[]`";
    private const string Ipv4Expected = "expected a dotted-quad IPv4 address such as 192.0.2.10";

    /// <summary>The top level of a state file.</summary>
    internal static class Root
    {
        public static readonly ScalarKey<TextValue> ApiVersion = new("apiVersion", "string", Required, $"must be `{StateSchema.ApiVersion}`",
            $"expected {StateSchema.ApiVersion}", Parsers.Text);
        public static readonly ScalarKey<TextValue> Kind = new("kind", "string", Required, $"must be `{StateSchema.Kind}`",
            $"expected {StateSchema.Kind}", Parsers.Text);
        public static readonly BlockKey Host = new("host", "mapping", "all defaults", "see below", StateKeys.Host.Block);
        public static readonly MappingListKey Gates = new("gates", "list of gates", Required, "may be `[]` (a host with no gates)",
            "expected a list of gates, each a mapping starting with '- name: ...'", Gate.Block);

        public static readonly SchemaBlock Block = new("## Top level", "a state file", [ApiVersion, Kind, Host, Gates]);
    }

    /// <summary>The <c>host</c> settings.</summary>
    internal static class Host
    {
        public static readonly ScalarKey<BackendKind> Backend = Word("backend", "backend",
            [("auto", BackendKind.Auto), ("netlink", BackendKind.Netlink), ("iproute2", BackendKind.Iproute2), ("networkmanager", BackendKind.NetworkManager)],
            "`auto`", "`auto`: NetworkManager when it manages the underlay, rtnetlink otherwise",
            "expected auto, netlink, iproute2 or networkmanager") with { Fallback = HostSettings.Default.Backend };
        public static readonly ScalarKey<TimeSpan> ReconcileInterval = new("reconcileInterval", "duration", "`60s`",
            "a whole number and one unit `s`, `m` or `h` (`30s`, `5m`, `1h`); 1s..24h. The daemon's periodic full resync.",
            "expected a whole number with a unit s, m or h, such as 30s, 5m or 1h", Parsers.Duration) { Fallback = HostSettings.Default.ReconcileInterval };
        public static readonly ScalarKey<TextValue> MetricsPath = new("metricsPath", "absolute path", None,
            "where Prometheus text-format metrics are written; left out: no metrics file", "expected an absolute file path", Parsers.Text);
        public static readonly ScalarKey<bool> Guard = new("guard", "boolean", "`false`",
            "`true`: gatectl installs its nftables table `inet gatectl_guard` that accepts VXLAN only from the listed endpoints and peers",
            "expected true or false", Parsers.Boolean) { Fallback = HostSettings.Default.Guard };
        public static readonly ScalarKey<TextValue> StateDirectory = new("stateDirectory", "absolute path", $"`{HostSettings.DefaultStateDirectory}`",
            "what must survive a restart: the SORACOM API's last good answers (`soracom/<vpgId>.json`); systemd's `StateDirectory=gatectl`",
            "expected an absolute directory path such as /var/lib/gatectl", Parsers.Text) { Fallback = new TextValue(HostSettings.DefaultStateDirectory) };

        public static readonly SchemaBlock Block = new("## `host`", "the host settings", [Backend, ReconcileInterval, MetricsPath, Guard, StateDirectory]);
    }

    /// <summary>One item of <c>gates</c>.</summary>
    internal static class Gate
    {
        public static readonly ScalarKey<TextValue> Name = new("name", "string", Required,
            "1..64 characters from `A-Z a-z 0-9 _ . -`; unique in the file. It goes into the device's ifalias `gatectl:<name>` (gatectl's ownership mark, at most 127 bytes) and the NetworkManager id `gatectl-<name>`.",
            "expected a name for the gate, such as soracom", Parsers.Text);
        public static readonly ScalarKey<TextValue> Interface = new("interface", "interface name", Required,
            "the VXLAN device: 1..15 characters from `A-Z a-z 0-9 _ . -`, not `.` or `..`, not starting with `-` (tools would read it as an option) (Linux also forbids `/`, `:` and whitespace; gatectl narrows the set so names are safe in every backend). Unique across gates.",
            "expected the VXLAN device's name, such as vxlan0", Parsers.Text);
        public static readonly IntegerKey Vni = new("vni", "integer", $"`{GateSpec.DefaultVni}`",
            "1..16777215 (SORACOM's `vxlanId`, default 10). Left out of a gate with a `soracom` source: the VPG's `gateVxlanId`; given, it must equal it (see [soracom-api.md](soracom-api.md))",
            StateLimits.VniExpected, 0, uint.MaxValue) { Fallback = GateSpec.DefaultVni };
        public static readonly ScalarKey<TextValue> Underlay = new("underlay", "interface name", Required,
            "the device carrying the encapsulated traffic (`eth0`); same name rules; not the gate's own `interface`",
            "expected the device that carries the tunnel, such as eth0", Parsers.Text);
        public static readonly ScalarKey<IPAddressValue> Local = new("local", "IPv4", Required,
            "this peer's outer IP, as registered with the VPG; never equal to an endpoint or a peer's outer",
            "expected this peer's outer IPv4 address, such as 192.0.2.10", Parsers.Ipv4);
        public static readonly IntegerKey Port = new("port", "integer", $"`{GateSpec.DefaultPort}`",
            "UDP destination port, 1..65535 (SORACOM requires 4789)", StateLimits.PortExpected, 0, ushort.MaxValue) { Fallback = GateSpec.DefaultPort };
        public static readonly ScalarKey<PortRange> SourcePorts = new("sourcePorts", "`\"low-high\"` | `any`", $"`{PortRange.Default}`",
            "UDP source port range, both 1..65535, low <= high; or `any`: the kernel picks each flow's source port (what the vendor script's `srcport 4789 4789` really gives; see [migration.md](migration.md#source-ports-sourceports-any)).",
            "expected 'low-high' with ports 1..65535, such as 4789-4789, or 'any'", Parsers.PortRangeText) { Fallback = PortRange.Default };
        public static readonly ScalarKey<InterfaceAddress> Address = new("address", "IPv4 `a.b.c.d/n`", Required,
            "this peer's inner IP with the device subnet's prefix (`10.128.0.254/9`); inside `deviceSubnet`, with its prefix length, and neither its network nor its broadcast address",
            "expected this peer's inner address with the device subnet's prefix, written a.b.c.d/n", Parsers.Ipv4WithPrefix);
        public static readonly ScalarKey<IPNetworkValue> DeviceSubnet = new("deviceSubnet", "IPv4 network", "the network of `address`",
            "the VPG's `deviceSubnetCidrRange`; two present gates may not have overlapping device subnets. Left out of a gate with a `soracom` source: the VPG's own, and `address` must lie inside it",
            "expected the VPG's device subnet, written a.b.c.d/n", Parsers.Ipv4Network);
        public static readonly IntegerKey Mtu = new("mtu", "integer", None,
            "68..65535; left out (or `null`): the underlay's MTU - 50, read at apply time", StateLimits.MtuExpected, int.MinValue, int.MaxValue);
        public static readonly ScalarKey<bool> Learning = new("learning", "boolean", "`true`",
            "whether the VXLAN device learns remote MACs from received frames; see below", "expected true or false", Parsers.Boolean) { Fallback = StateLoader.DefaultLearning };
        public static readonly ListKey<IPAddressValue> Endpoints = new("endpoints", "list of IPv4", Empty,
            "the VPG's outer IPs (its peers with `ownedByCustomer: false`; usually two). Each gets an all-zero FDB entry. A `present` gate needs at least one, unless it has a `soracom` source. No repeats.",
            "expected a list of the VPG's outer IPv4 addresses", Ipv4Expected, Parsers.Ipv4);
        public static readonly MappingListKey Peers = new("peers", "list of peers", Empty, "other Gate Peers on the same overlay; see below",
            "expected a list of peers, each a mapping with outer (and optionally inner, name)", Peer.Block);
        public static readonly MappingListKey Routes = new("routes", "list of routes", Empty, "extra prefixes reached through the overlay; see below",
            "expected a list of routes, each a mapping with to and via", Route.Block);
        public static readonly ScalarKey<GatePresence> State = Word("state", "gate state", [("present", GatePresence.Present), ("absent", GatePresence.Absent)],
            "`present`", "`absent`: remove the gate, if gatectl made it (an absent gate needs no endpoints)",
            "expected present or absent") with { Fallback = GatePresence.Present };
        public static readonly BlockKey Soracom = new("soracom", "mapping", None,
            "read the endpoints (and other customers' peers) from the SORACOM API; see below", StateKeys.Soracom.Block);
        public static readonly ScalarKey<bool> Adopt = new("adopt", "boolean", "`false`",
            "`true`: a VXLAN device with this `interface` name that gatectl did not make (the vendor script's) is taken over in place when its fixed attributes match, without a packet lost; see [migration.md](migration.md)",
            "expected true or false", Parsers.Boolean) { Fallback = false };
        public static readonly ScalarKey<bool> AdoptMayRecreate = new("adoptMayRecreate", "boolean", "`false`",
            "only with `adopt: true`: when such a device's fixed attributes differ, delete it and create the gate's (its traffic stops meanwhile) instead of refusing",
            "expected true or false", Parsers.Boolean) { Fallback = false };
        public static readonly BlockKey Ha = new("ha", "mapping", None,
            "a VRRP pair with other Gate Peers: a virtual inner address keepalived moves between them; see below and [ha.md](ha.md)", StateKeys.Ha.Block);
        public static readonly BlockKey Routing = new("routing", "mapping", None,
            "this peer as the VPC's router to the devices: per-device forwarding, a forward filter and optional masquerade; see below and [routing.md](routing.md)",
            StateKeys.Routing.Block);
        public static readonly BlockKey Gateway = new("gateway", "mapping", None,
            "this peer as the devices' gateway (Junction redirection): their traffic out of `egress`, only the answers back; see below and [routing.md](routing.md#the-gate-peer-as-the-devices-gateway-gateway)",
            StateKeys.Gateway.Block);
        public static readonly ListKey<IPAddressValue> Probe = new("probe", "list of IPv4", Empty,
            "inner addresses (a SIM's, the VPG's) that `gatectl check` sends ICMP echo to through the overlay, besides the peers' `inner`; changes nothing in the kernel; see [check.md](check.md)",
            "expected a list of inner IPv4 addresses to probe through the overlay (a SIM's, the VPG's)", Ipv4Expected, Parsers.Ipv4);
        public static readonly BlockKey Health = new("health", "mapping", None,
            "`gatectl run` probes the data path continuously: one ICMP echo per target per `interval`, exported as metrics and in `gatectl status`; changes nothing in the kernel and triggers no reconcile; see below and [check.md](check.md#in-the-daemon)",
            StateKeys.Health.Block);

        public static readonly SchemaBlock Block = new("## `gates[]`", "a gate",
            [Name, Interface, Vni, Underlay, Local, Port, SourcePorts, Address, DeviceSubnet, Mtu, Learning, Endpoints, Peers, Routes, State, Soracom, Adopt, AdoptMayRecreate, Ha, Routing, Gateway, Probe, Health]);
    }

    /// <summary>One item of a gate's <c>peers</c>.</summary>
    internal static class Peer
    {
        public static readonly ScalarKey<IPAddressValue> Outer = new("outer", "IPv4", Required,
            "the peer's outer IP; gets an all-zero FDB entry; listed once; not the gate's `local`",
            "expected the peer's outer IPv4 address, such as 198.51.100.20", Parsers.Ipv4);
        public static readonly ScalarKey<IPAddressValue> Inner = new("inner", "IPv4 (no prefix)", None,
            "the peer's inner IP: inside the device subnet, not the gate's own `address`, not another peer's",
            "expected the peer's inner IPv4 address, without a prefix", Parsers.Ipv4);
        public static readonly ScalarKey<TextValue> Name = new("name", "string", None, "a label for people", "expected a label", Parsers.Text);

        public static readonly SchemaBlock Block = new("### `peers[]`", "a peer", [Outer, Inner, Name]);
    }

    /// <summary>One item of a gate's <c>routes</c>.</summary>
    internal static class Route
    {
        public static readonly ScalarKey<IPNetworkValue> To = new("to", "IPv4 network", Required,
            "the destination; one route per destination; must not cover the gate's `local`, an endpoint or a peer's outer (the tunnel's own packets would be routed into the tunnel)",
            "expected the destination network, written a.b.c.d/n", Parsers.Ipv4Network);
        public static readonly ScalarKey<IPAddressValue> Via = new("via", "IPv4", Required,
            "the next hop's inner IP: inside the device subnet, not the gate's own `address`",
            "expected the next hop's inner IPv4 address, inside the device subnet", Parsers.Ipv4);

        public static readonly SchemaBlock Block = new("### `routes[]`", "a route", [To, Via]);
    }

    /// <summary>A gate's <c>soracom</c> source.</summary>
    internal static class Soracom
    {
        public static readonly ScalarKey<TextValue> VpgId = new("vpgId", "string", Required,
            "the VPG's id (`vpg-...`): 1..64 characters from `A-Z a-z 0-9 - _` (it goes into the API's path and the cache's file name)",
            "expected the VPG's id, such as vpg-abcd1234", Parsers.Text);
        public static readonly ScalarKey<SoracomCoverage> Coverage = Word("coverage", "coverage", [("jp", SoracomCoverage.Jp), ("global", SoracomCoverage.Global)],
            Required, $"whose API serves the VPG: `jp` is `{SoracomSource.JapanApi.ToString().TrimEnd('/')}`, `global` is `{SoracomSource.GlobalApi.ToString().TrimEnd('/')}`",
            "expected jp or global (the coverage whose API serves the VPG)");
        public static readonly BlockKey Credentials = new("credentials", "mapping", Required,
            "exactly one of `file: PATH` (absolute; a JSON file `{\"authKeyId\": ..., \"authKey\": ...}` with mode 0600 or narrower, else refused) or `env: true` (`SORACOM_AUTH_KEY_ID` and `SORACOM_AUTH_KEY`)",
            StateKeys.Credentials.Block);
        public static readonly ScalarKey<TextValue> ApiUrl = new("apiUrl", "`http`/`https` URL", None,
            "the API's base URL instead of the coverage's (a private endpoint, a test server)", "expected an absolute http or https URL", Parsers.Text);
        public static readonly ScalarKey<TimeSpan> Timeout = new("timeout", "duration", "`10s`",
            "1s..60s; how long one request may take, reply included, before the cache is used",
            "expected a whole number with a unit s or m, such as 10s", Parsers.Duration) { Fallback = SoracomSource.DefaultTimeout };
        public static readonly ScalarKey<TimeSpan> RefreshInterval = new("refreshInterval", "duration", "`1m`",
            "1s..24h; how long an answer (or a failure) is used before the API is asked again",
            "expected a whole number with a unit s, m or h, such as 1m", Parsers.Duration) { Fallback = SoracomSource.DefaultRefreshInterval };
        public static readonly ScalarKey<bool> Register = new("register", "boolean", "`false`",
            "`true`: `apply` and the daemon register this host (`local` as outer IP, `address` as inner IP) as a Gate Peer of the VPG when the API does not list it, and `gatectl delete` unregisters it",
            "expected true (register this host as a Gate Peer of the VPG) or false", Parsers.Boolean) { Fallback = false };

        public static readonly SchemaBlock Block = new("### `soracom`", "a SORACOM API source", [VpgId, Coverage, Credentials, ApiUrl, Timeout, RefreshInterval, Register])
        {
            Refused = StateKeys.Credentials.Secrets,
        };
    }

    /// <summary>The <c>credentials</c> of a <c>soracom</c> source (documented in the <c>credentials</c> row, no table of its own).</summary>
    internal static class Credentials
    {
        private const string SecretRefused =
            "credentials are never written in the state file; put them in a file only root can read (credentials: {file: /etc/gatectl/soracom.json}, mode 0600) "
            + "or in the environment (credentials: {env: true} with SORACOM_AUTH_KEY_ID and SORACOM_AUTH_KEY)";

        /// <summary>Keys refused under <c>soracom</c> and <c>credentials</c>: they would hold a secret.</summary>
        public static readonly IReadOnlyDictionary<string, string> Secrets = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["authKey"] = SecretRefused,
            ["authKeyId"] = SecretRefused,
            ["apiKey"] = SecretRefused,
            ["token"] = SecretRefused,
            ["password"] = SecretRefused,
        };

        public static readonly ScalarKey<TextValue> File = new("file", "absolute path", None, "a JSON file with authKeyId and authKey, mode 0600",
            "expected the absolute path of a JSON file with authKeyId and authKey, mode 0600", Parsers.Text);
        public static readonly ScalarKey<bool> Env = new("env", "boolean", "`false`", "`true`: read SORACOM_AUTH_KEY_ID and SORACOM_AUTH_KEY",
            "expected true (read SORACOM_AUTH_KEY_ID and SORACOM_AUTH_KEY)", Parsers.Boolean) { Fallback = false };

        public static readonly SchemaBlock Block = new(null, "a credentials source", [File, Env]) { Refused = Secrets };
    }

    /// <summary>A gate's <c>ha</c> pair.</summary>
    internal static class Ha
    {
        public static readonly ScalarKey<InterfaceAddress> VirtualAddress = new("virtualAddress", "IPv4 `a.b.c.d/n`", Required,
            "the address devices talk to: inside the device subnet with its prefix, neither its network nor its broadcast address, not the gate's `address`, not a peer's `inner`",
            "expected the virtual inner address with the device subnet's prefix, such as 10.128.0.250/9", Parsers.Ipv4WithPrefix);
        public static readonly IntegerKey RouterId = new("routerId", "integer", Required,
            $"the VRRP virtual router id, {HaSpec.MinRouterId}..{HaSpec.MaxRouterId}: the same on every peer of the pair, different for each gate in the file",
            $"expected the VRRP virtual router id, an integer {HaSpec.MinRouterId}..{HaSpec.MaxRouterId}, the same on both peers", HaSpec.MinRouterId, HaSpec.MaxRouterId);
        public static readonly IntegerKey Priority = new("priority", "integer", Required,
            $"this host's VRRP priority, {HaSpec.MinPriority}..{HaSpec.MaxPriority}; the running peer with the highest holds the address (and takes it back when it returns)",
            $"expected this host's VRRP priority, an integer {HaSpec.MinPriority}..{HaSpec.MaxPriority} (the higher one holds the address)", HaSpec.MinPriority, HaSpec.MaxPriority);
        public static readonly ListKey<IPAddressValue> Peers = new("peers", "list of IPv4", Required,
            "the other peers' inner addresses (at least one; inside the device subnet; not this host's `address` nor the virtual address; no repeats). VRRP adverts go to them over the overlay, so each should also be in the gate's `peers` (with its `outer`)",
            "expected a list of the other peers' inner IPv4 addresses", "expected the other peer's inner IPv4 address, without a prefix", Parsers.Ipv4);

        public static readonly SchemaBlock Block = new("### `ha`", "an HA pair", [VirtualAddress, RouterId, Priority, Peers]);
    }

    /// <summary>A gate's <c>routing</c> role.</summary>
    internal static class Routing
    {
        public static readonly ScalarKey<bool> Forward = new("forward", "boolean", "`true`",
            "whether the peer forwards between its underlay and the gate; `false` leaves the block without effect",
            "expected true (forward between the underlay and the gate) or false", Parsers.Boolean) { Fallback = true };
        public static readonly ScalarKey<bool> Masquerade = new("masquerade", "boolean", "`false`",
            "`true`: forwarded traffic reaches the devices with the peer's inner `address` as its source, so the devices' answers need no route back; only with `forward: true`",
            "expected true (the devices see the peer's inner address) or false", Parsers.Boolean) { Fallback = false };
        public static readonly ListKey<IPNetworkValue> Sources = new("sources", "list of IPv4 networks", "required with `forward: true`",
            "the networks that may reach the device subnet through this peer: at least one, none overlapping the device subnet, no repeats",
            "expected a list of the networks that may reach the device subnet, such as [192.0.2.0/24]",
            "expected a network written a.b.c.d/n, such as 192.0.2.0/24", Parsers.Ipv4Network);

        public static readonly SchemaBlock Block = new("### `routing`", "a routing block", [Forward, Masquerade, Sources]);
    }

    /// <summary>A gate's <c>gateway</c> role.</summary>
    internal static class Gateway
    {
        public static readonly ScalarKey<TextValue> Egress = new("egress", "interface name", Required,
            "the interface the devices' traffic leaves by: not the gate's own `interface`; `plan` refuses it when it does not exist on the host",
            "expected the interface the devices' traffic leaves by, such as eth0", Parsers.Text);
        public static readonly ScalarKey<bool> Masquerade = new("masquerade", "boolean", "`false`",
            "`true`: the traffic leaves with `egress`'s address as its source, so the answers need no route back to the device subnet",
            "expected true (the traffic leaves with the egress address) or false", Parsers.Boolean) { Fallback = false };
        public static readonly ListKey<IPNetworkValue> Destinations = new("destinations", "list of IPv4 networks", "everything (`0.0.0.0/0`)",
            "what the devices may reach through this peer; none overlapping the device subnet, no repeats",
            "expected a list of the networks the devices may reach, such as [0.0.0.0/0]",
            "expected a network written a.b.c.d/n, such as 203.0.113.0/24", Parsers.Ipv4Network);

        public static readonly SchemaBlock Block = new("### `gateway`", "a gateway block", [Egress, Masquerade, Destinations]);
    }

    /// <summary>A gate's <c>health</c> block: the daemon's continuous probes.</summary>
    internal static class Health
    {
        public static readonly ScalarKey<TimeSpan> Interval = new("interval", "duration", "`30s`",
            "5s..1h; time between two probes of one target (it bounds the probe traffic)",
            "expected a whole number with a unit s, m or h, such as 30s (5s..1h)", Parsers.Duration) { Fallback = HealthSpec.DefaultInterval };
        public static readonly ScalarKey<TimeSpan> Timeout = new("timeout", "duration", "`2s`",
            "1s..60s and shorter than `interval`; how long one probe waits for its reply",
            "expected a whole number with a unit s or m, such as 2s (1s..60s, shorter than interval)", Parsers.Duration) { Fallback = HealthSpec.DefaultTimeout };
        public static readonly ListKey<IPAddressValue> Targets = new("targets", "list of IPv4", "the gate's `probe` list and its peers' `inner` (for a `soracom` gate, with the inner addresses the API lists)",
            "inner addresses that answer ping (a SIM's, the VPG's, a peer's): inside the device subnet, not the gate's own `address`, no repeats, at least one when given. Left out, the gate needs a `probe` list or a peer with `inner` (a gate with a `soracom` source excepted)",
            "expected a list of inner IPv4 addresses to probe, such as [10.128.0.1]", "expected an inner IPv4 address without a prefix, such as 10.128.0.1", Parsers.Ipv4);

        public static readonly SchemaBlock Block = new("### `health`", "a health block", [Interval, Timeout, Targets]);
    }

    /// <summary>Every block, the root first, each followed by the blocks it nests (so a new block needs no entry here).</summary>
    public static IReadOnlyList<SchemaBlock> Blocks => [.. Nested(Root.Block)];

    private static IEnumerable<SchemaBlock> Nested(SchemaBlock block) =>
        block.Keys
            .Select(key => key switch
            {
                BlockKey b => b.Block,
                MappingListKey l => l.Items,
                _ => null,
            })
            .OfType<SchemaBlock>()
            .SelectMany(Nested)
            .Prepend(block);

    // A word from a fixed set: the doc's type lists the words, the parser reads them.
    private static ScalarKey<T> Word<T>(string name, string what, (string Word, T Value)[] words, string @default, string rule, string expected)
        where T : struct
    {
        var lookup = words.ToDictionary(w => w.Word, w => w.Value, StringComparer.Ordinal);
        return new ScalarKey<T>(name, string.Join(" | ", words.Select(w => $"`{w.Word}`")), @default, rule, expected, Parsers.Word(lookup, what))
        {
            Words = words,
        };
    }
}
