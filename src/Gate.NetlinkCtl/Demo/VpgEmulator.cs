using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Demo;

/// <summary>
/// The SORACOM side of a gate, emulated in network namespaces so gatectl can be proven end to end without an account.
/// </summary>
/// <remarks>
/// <code>
///   peer ──eth0── wan (underlay router) ──┬── epa: 198.51.100.4   ─ socket of vxlan-a ┐
///   192.0.2.10         │                  └── epb: 198.51.100.132 ─ socket of vxlan-b ┤
///   vpc ──eth0─────────┘ 203.0.113.20 (routes 198.18.0.0/16 via the peer, as a VPC route table would)
///                                                                                    vpg: bridge "devices"
///                                                      sim1 198.18.1.1, sim2 198.18.1.2 ┘ (device subnet 198.18.0.0/16)
/// </code>
/// The kernel allows one VXLAN device per VNI and port in a namespace, so each endpoint's device is created in a small
/// namespace of its own (which keeps its UDP socket and underlay link) and then moved into the VPG namespace, where
/// both are ports of one bridge with the SIMs. A Gate Peer floods every unknown or broadcast frame to both endpoints,
/// so two forwarding endpoint ports would hand each SIM two copies, and a frame entering by one endpoint would be
/// flooded back out of the other to the peer. The VPG therefore runs its endpoints active/standby: the standby port is
/// disabled (it drops what arrives, sends nothing), both ports are isolated from each other,
/// and <see cref="FailEndpointAsync"/> models the VPG's own failover: the endpoint's underlay goes down and the
/// standby becomes active. The peer is not told; it keeps sending to both, which is why it must not pin a SIM's MAC
/// to one endpoint (VXLAN learning off).
/// </remarks>
internal sealed class VpgEmulator : IAsyncDisposable
{
    /// <summary>The overlay MTU: the underlay's 1500 minus VXLAN's 50 bytes; the SIMs use it too.</summary>
    public const int OverlayMtu = 1500 - GateSpec.VxlanOverhead;

    /// <summary>The device bridge in the VPG namespace.</summary>
    public const string DeviceBridge = "devices";

    private const int IdLength = 6;
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");
    private static readonly System.Buffers.SearchValues<char> RoleCharacters = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789");

    private readonly List<string> _namespaces = [];
    private readonly List<VpgEndpoint> _endpoints = [];
    private readonly List<SimDevice> _sims = [];

    private VpgEmulator(EmulatorOptions options, string id)
    {
        Options = options;
        Id = id;
        Prefix = $"{NamespacePrefix(options.Tag)}{id}-";
        Router = Prefix + "wan";
        Vpg = Prefix + "vpg";
        Peer = new PeerHost(Prefix + "peer", "eth0", EmulatorAddresses.PeerOuter, EmulatorAddresses.PeerInner);
        VpcHost = Prefix + "vpc";
        Internet = Prefix + "net";
        WorkDirectory = Path.Combine(WorkRoot(options.Tag), id);
    }

    /// <summary>What was built.</summary>
    public EmulatorOptions Options { get; }

    /// <summary>The random part of every namespace name of this run.</summary>
    public string Id { get; }

    /// <summary>The start every namespace name of this run shares.</summary>
    public string Prefix { get; }

    /// <summary>The underlay router's namespace (the Internet between the cloud and the VPG).</summary>
    public string Router { get; }

    /// <summary>The VPG's namespace: the device bridge with both endpoints' VXLAN devices and the SIMs.</summary>
    public string Vpg { get; }

    /// <summary>The Gate Peer host.</summary>
    public PeerHost Peer { get; }

    /// <summary>The VPC host's namespace (when <see cref="EmulatorOptions.VpcHost"/>): a cloud host that is not a Gate Peer, routed to the device subnet via the peer.</summary>
    public string VpcHost { get; }

    /// <summary>The internet's namespace (when <see cref="EmulatorOptions.Internet"/>): a server beyond the peer's egress eg0.</summary>
    public string Internet { get; }

    /// <summary>The peer's egress device towards the internet.</summary>
    public const string PeerEgressDevice = "eg0";

    /// <summary>The VPG's tunnel endpoints, A then B.</summary>
    public IReadOnlyList<VpgEndpoint> Endpoints => _endpoints;

    /// <summary>The SIMs on the device subnet.</summary>
    public IReadOnlyList<SimDevice> Sims => _sims;

    /// <summary>Every namespace of this run, in creation order.</summary>
    public IReadOnlyList<string> Namespaces => _namespaces;

    /// <summary>A folder of this run for the peer's state file and apply lock; deleted with the namespaces.</summary>
    public string WorkDirectory { get; }

    /// <summary>The endpoint whose bridge port forwards; the other stands by.</summary>
    public VpgEndpoint ActiveEndpoint { get; private set; } = null!;

    /// <summary>The folder that holds the work directories of every emulator built with <paramref name="tag"/>.</summary>
    public static string WorkRoot(string tag) => Path.Combine(Path.GetTempPath(), $"gatectl-{tag}");

    /// <summary>The namespace prefix of every emulator built with <paramref name="tag"/>.</summary>
    public static string NamespacePrefix(string tag) => $"gct{tag}-";

    /// <summary>Builds the whole emulator; on failure removes whatever it had made and rethrows.</summary>
    public static async Task<VpgEmulator> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SimCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.SimCount, 9);
        var emulator = new VpgEmulator(options, Convert.ToHexString(RandomNumberGenerator.GetBytes(IdLength / 2)).ToLowerInvariant());
        try
        {
            Directory.CreateDirectory(emulator.WorkDirectory);
            await emulator.BuildAsync(cancellationToken);
            return emulator;
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The gate gatectl should set up on the peer: both endpoints in its flood list, learning off, and (with a VPC host)
    /// the VPC host's network routed to the devices through the peer, masqueraded.
    /// </summary>
    public GateSpec PeerGate(string name = "vpg-demo", string device = "gate0") => new(
        Name: name,
        Interface: device,
        Vni: Options.Vni,
        Underlay: Peer.Underlay,
        Local: Peer.Outer.Address,
        Port: GateSpec.DefaultPort,
        SourcePorts: PortRange.Default,
        Address: Peer.Inner,
        DeviceSubnet: EmulatorAddresses.DeviceSubnet,
        Mtu: null,
        Learning: false,
        Endpoints: _endpoints.Select(e => e.Outer.Address).ToEquatableList(),
        Peers: EquatableList<PeerSpec>.Empty,
        Routes: EquatableList<RouteSpec>.Empty,
        State: GatePresence.Present)
    {
        Routing = Options.VpcHost ? new RoutingSpec(true, true, new EquatableList<IPNetwork>([EmulatorAddresses.VpcHost.Network])) : null,
        Gateway = Options.Internet ? new GatewaySpec(PeerEgressDevice, true, new EquatableList<IPNetwork>([EmulatorAddresses.InternetServer.Network])) : null,
    };

    /// <summary>The peer's whole desired state: one gate, programmed over gatectl's own rtnetlink client.</summary>
    public DesiredState PeerState(string name = "vpg-demo", string device = "gate0") => new(
        StateSchema.ApiVersion,
        StateSchema.Kind,
        HostSettings.Default with { Backend = BackendKind.Netlink, StateDirectory = WorkDirectory },
        new EquatableList<GateSpec>([PeerGate(name, device)]));

    /// <summary>
    /// Adds another Gate Peer host (a VRRP partner of <see cref="Peer"/>): a namespace <c>{prefix}{role}</c> with an underlay
    /// routed to the VPG, registered with both endpoints as the first peer is (their flood lists hold its outer IP).
    /// </summary>
    /// <param name="role">Lower-case letters and digits naming the host (<c>peerb</c>).</param>
    /// <param name="outer">Its outer address, in a TEST-NET block of its own.</param>
    /// <param name="gateway">The underlay router's address on its link.</param>
    /// <param name="inner">The inner address gatectl is to give it.</param>
    public async Task<PeerHost> AddPeerAsync(string role, InterfaceAddress outer, IPAddress gateway, InterfaceAddress inner, CancellationToken cancellationToken = default)
    {
        var peer = new PeerHost(Prefix + role, "eth0", outer, inner);
        await AddNamespaceAsync(peer.Namespace, cancellationToken);
        await LinkAsync(peer.Namespace, peer.Underlay, "to-" + role, new InterfaceAddress(gateway, outer.PrefixLength), outer);
        await ProcessRunner.IpAsync(peer.Namespace, "route", "add", "default", "via", gateway.ToString());
        foreach (var endpoint in _endpoints)
        {
            await ProcessRunner.BridgeAsync(Vpg, "fdb", "append", "00:00:00:00:00:00", "dev", endpoint.VxlanDevice, "dst", outer.Address.ToString());
        }

        return peer;
    }

    /// <summary>Cuts <paramref name="endpoint"/>'s underlay; if it was active, the VPG makes the other endpoint active.</summary>
    public async Task FailEndpointAsync(VpgEndpoint endpoint)
    {
        await ProcessRunner.IpAsync(Router, "link", "set", endpoint.RouterLink, "down");
        if (endpoint == ActiveEndpoint)
        {
            var standby = _endpoints.First(e => e != endpoint);
            await ProcessRunner.BridgeAsync(Vpg, "link", "set", "dev", endpoint.VxlanDevice, "state", PortState.Disabled);
            await ProcessRunner.BridgeAsync(Vpg, "link", "set", "dev", standby.VxlanDevice, "state", PortState.Forwarding);
            ActiveEndpoint = standby;
        }
    }

    /// <summary>Brings <paramref name="endpoint"/>'s underlay back; it rejoins as standby (no pre-emption).</summary>
    public async Task RestoreEndpointAsync(VpgEndpoint endpoint)
    {
        await ProcessRunner.IpAsync(Router, "link", "set", endpoint.RouterLink, "up");
        if (endpoint != ActiveEndpoint)
        {
            await ProcessRunner.BridgeAsync(Vpg, "link", "set", "dev", endpoint.VxlanDevice, "state", PortState.Disabled);
        }
    }

    /// <summary>Deletes every namespace of this run (which removes every link in them) and its work directory.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var ns in Enumerable.Reverse(_namespaces))
        {
            await DeleteNamespaceAsync(ns);
        }

        _namespaces.Clear();
        if (Directory.Exists(WorkDirectory))
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
    }

    /// <summary>Deletes every namespace and the work directories left by emulators built with <paramref name="tag"/> (a kept demo); returns the namespaces' names.</summary>
    /// <remarks>Only names of the emulator's own shape (<c>gct{tag}-{6 hex}-{role}</c>) are touched.</remarks>
    public static async Task<IReadOnlyList<string>> RemoveLeftoversAsync(string tag)
    {
        var prefix = NamespacePrefix(tag);
        var removed = new List<string>();
        foreach (var ns in await ListNamespacesAsync())
        {
            if (ns.StartsWith(prefix, StringComparison.Ordinal) && IsEmulatorName(ns.AsSpan(prefix.Length)))
            {
                await DeleteNamespaceAsync(ns);
                removed.Add(ns);
            }
        }

        if (Directory.Exists(WorkRoot(tag)))
        {
            Directory.Delete(WorkRoot(tag), recursive: true);
        }

        return removed;
    }

    /// <summary>The names of every network namespace <c>ip netns</c> knows.</summary>
    public static async Task<IReadOnlyList<string>> ListNamespacesAsync()
    {
        var output = await ProcessRunner.RunAsync("ip", ["netns", "list"]);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', 2)[0])];
    }

    /// <summary>True for <c>{6 hex}-{role}</c>, the rest of an emulator namespace name after its prefix.</summary>
    private static bool IsEmulatorName(ReadOnlySpan<char> rest) =>
        rest.Length > IdLength + 1 && rest[IdLength] == '-' && rest[..IdLength].IndexOfAnyExcept(HexDigits) < 0 && rest[(IdLength + 1)..].IndexOfAnyExcept(RoleCharacters) < 0;

    private static async Task DeleteNamespaceAsync(string ns) => await ProcessRunner.TryRunAsync("ip", ["netns", "del", ns]);

    private async Task BuildAsync(CancellationToken cancellationToken)
    {
        await AddNamespaceAsync(Router, cancellationToken);
        await AddNamespaceAsync(Vpg, cancellationToken);
        await AddNamespaceAsync(Peer.Namespace, cancellationToken);
        await ProcessRunner.RunAsync("ip", ["netns", "exec", Router, "sysctl", "-qw", "net.ipv4.ip_forward=1"], cancellationToken);

        // The cloud side: the peer's underlay, routed to the VPG by the router.
        await LinkAsync(Peer.Namespace, Peer.Underlay, "to-peer", new InterfaceAddress(EmulatorAddresses.PeerGateway, Peer.Outer.PrefixLength), Peer.Outer);
        await ProcessRunner.IpAsync(Peer.Namespace, "route", "add", "default", "via", EmulatorAddresses.PeerGateway.ToString());

        if (Options.VpcHost)
        {
            // A VPC host beside the peer; the router stands in for the VPC's route table: the device subnet via the peer.
            await AddNamespaceAsync(VpcHost, cancellationToken);
            await LinkAsync(VpcHost, "eth0", "to-vpc", new InterfaceAddress(EmulatorAddresses.VpcGateway, EmulatorAddresses.VpcHost.PrefixLength), EmulatorAddresses.VpcHost);
            await ProcessRunner.IpAsync(VpcHost, "route", "add", "default", "via", EmulatorAddresses.VpcGateway.ToString());
            await ProcessRunner.IpAsync(Router, "route", "add", EmulatorAddresses.DeviceSubnet.ToString(), "via", Peer.Outer.Address.ToString());
        }

        await ProcessRunner.IpAsync(Vpg, "link", "add", DeviceBridge, "type", "bridge");
        for (var i = 0; i < EmulatorAddresses.Endpoints.Count; i++)
        {
            await AddEndpointAsync(i, cancellationToken);
        }

        for (var i = 1; i <= Options.SimCount; i++)
        {
            await AddSimAsync(i, cancellationToken);
        }

        await ProcessRunner.IpAsync(Vpg, "link", "set", DeviceBridge, "up");
        if (Options.Internet)
        {
            // An internet beyond the peer's second interface; the VPG redirects sim1's traffic to the peer (its default route).
            await AddNamespaceAsync(Internet, cancellationToken);
            await ProcessRunner.IpAsync(Peer.Namespace, "link", "add", PeerEgressDevice, "type", "veth", "peer", "name", "eth0", "netns", Internet);
            await ProcessRunner.IpAsync(Peer.Namespace, "addr", "add", EmulatorAddresses.PeerEgress.ToString(), "dev", PeerEgressDevice);
            await ProcessRunner.IpAsync(Peer.Namespace, "link", "set", PeerEgressDevice, "up");
            await ProcessRunner.IpAsync(Internet, "addr", "add", EmulatorAddresses.InternetServer.ToString(), "dev", "eth0");
            await ProcessRunner.IpAsync(Internet, "link", "set", "eth0", "up");
            await ProcessRunner.IpAsync(_sims[0].Namespace, "route", "add", "default", "via", Peer.Inner.Address.ToString());
        }

        foreach (var endpoint in _endpoints)
        {
            // Port states can only be set on a running port, so this comes last.
            await ProcessRunner.BridgeAsync(Vpg, "link", "set", "dev", endpoint.VxlanDevice, "isolated", "on",
                "state", endpoint == ActiveEndpoint ? PortState.Forwarding : PortState.Disabled);
        }
    }

    private async Task AddEndpointAsync(int index, CancellationToken cancellationToken)
    {
        var label = ((char)('A' + index)).ToString();
        var lower = label.ToLowerInvariant();
        var (outer, gateway) = EmulatorAddresses.Endpoints[index];
        var endpoint = new VpgEndpoint(label, outer, Prefix + "ep" + lower, "vxlan-" + lower, "to-ep" + lower);
        await AddNamespaceAsync(endpoint.Namespace, cancellationToken);
        await LinkAsync(endpoint.Namespace, "wan", endpoint.RouterLink, new InterfaceAddress(gateway, outer.PrefixLength), outer);
        await ProcessRunner.IpAsync(endpoint.Namespace, "route", "add", "default", "via", gateway.ToString());

        // Created beside its underlay (its socket stays there), then moved into the VPG's bridge.
        await ProcessRunner.IpAsync(endpoint.Namespace, "link", "add", endpoint.VxlanDevice, "type", "vxlan",
            "id", Options.Vni.ToString(CultureInfo.InvariantCulture), "local", outer.Address.ToString(), "dev", "wan",
            "dstport", GateSpec.DefaultPort.ToString(CultureInfo.InvariantCulture), "nolearning");
        await ProcessRunner.IpAsync(endpoint.Namespace, "link", "set", endpoint.VxlanDevice, "netns", Vpg);
        await ProcessRunner.IpAsync(Vpg, "link", "set", endpoint.VxlanDevice, "master", DeviceBridge, "up");

        // The VPG knows its registered Gate Peer: its flood list holds the peer's outer IP.
        await ProcessRunner.BridgeAsync(Vpg, "fdb", "append", "00:00:00:00:00:00", "dev", endpoint.VxlanDevice, "dst", Peer.Outer.Address.ToString());
        _endpoints.Add(endpoint);
        ActiveEndpoint ??= endpoint;
    }

    private async Task AddSimAsync(int index, CancellationToken cancellationToken)
    {
        var sim = new SimDevice($"sim{index}", $"{Prefix}sim{index}", EmulatorAddresses.Sim(index));
        await AddNamespaceAsync(sim.Namespace, cancellationToken);
        await ProcessRunner.IpAsync(Vpg, "link", "add", sim.Name, "type", "veth", "peer", "name", "eth0", "netns", sim.Namespace);
        await ProcessRunner.IpAsync(Vpg, "link", "set", sim.Name, "mtu", OverlayMtu.ToString(CultureInfo.InvariantCulture), "master", DeviceBridge, "up");

        // The device side uses the overlay's MTU, as a VPG would; a larger frame would be dropped silently by the bridge.
        await ProcessRunner.IpAsync(sim.Namespace, "link", "set", "eth0", "mtu", OverlayMtu.ToString(CultureInfo.InvariantCulture));
        await ProcessRunner.IpAsync(sim.Namespace, "addr", "add", sim.Inner.ToString(), "dev", "eth0");
        await ProcessRunner.IpAsync(sim.Namespace, "link", "set", "eth0", "up");
        _sims.Add(sim);
    }

    private async Task AddNamespaceAsync(string ns, CancellationToken cancellationToken)
    {
        await ProcessRunner.RunAsync("ip", ["netns", "add", ns], cancellationToken);
        _namespaces.Add(ns);
        await ProcessRunner.IpAsync(ns, "link", "set", "lo", "up");

        // IPv4 only: IPv6 autoconfiguration chatter would cross the overlay at random moments and teach MACs early.
        foreach (var scope in (string[])["all", "default"])
        {
            await ProcessRunner.RunAsync("ip", ["netns", "exec", ns, "sysctl", "-qw", $"net.ipv6.conf.{scope}.disable_ipv6=1"], cancellationToken);
        }
    }

    /// <summary>A veth from the router to <paramref name="ns"/>, addressed and up on both ends.</summary>
    private async Task LinkAsync(string ns, string device, string routerDevice, InterfaceAddress routerAddress, InterfaceAddress address)
    {
        await ProcessRunner.IpAsync(ns, "link", "add", device, "type", "veth", "peer", "name", routerDevice, "netns", Router);
        await ProcessRunner.IpAsync(ns, "addr", "add", address.ToString(), "dev", device);
        await ProcessRunner.IpAsync(ns, "link", "set", device, "up");
        await ProcessRunner.IpAsync(Router, "addr", "add", routerAddress.ToString(), "dev", routerDevice);
        await ProcessRunner.IpAsync(Router, "link", "set", routerDevice, "up");
    }

    /// <summary>Linux bridge port states as <c>bridge link set ... state N</c> takes them.</summary>
    private static class PortState
    {
        /// <summary>Drops what arrives, sends nothing; the only state besides forwarding that a bridge without STP keeps.</summary>
        public const string Disabled = "0";

        public const string Forwarding = "3";
    }
}
