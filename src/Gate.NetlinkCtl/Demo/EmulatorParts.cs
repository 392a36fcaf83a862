using System.Net;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Demo;

/// <summary>What to build: the VNI the VPG's gate was opened with and how many SIMs sit behind it.</summary>
/// <param name="Tag">Names the run: every namespace is <c>gct{Tag}-{id}-{role}</c>.</param>
/// <param name="Vni">The gate's VXLAN network identifier.</param>
/// <param name="SimCount">How many SIM namespaces to attach to the device subnet (1..9).</param>
/// <param name="VpcHost">Whether to add a VPC host (203.0.113.20/25 on the underlay router) that reaches the devices through the peer; its network is then the peer gate's routing source.</param>
/// <param name="Internet">Whether to add an "internet" beyond the peer's egress eg0 (server 203.0.113.130/25) that sim1 reaches through the peer, as Junction redirection sends it: sim1's default route points at the peer, whose gate is then a gateway.</param>
internal sealed record EmulatorOptions(string Tag = "demo", uint Vni = GateSpec.DefaultVni, int SimCount = 2, bool VpcHost = false, bool Internet = false);

/// <summary>One of the VPG's tunnel endpoints.</summary>
/// <param name="Label">A short name for people (<c>A</c>, <c>B</c>).</param>
/// <param name="Outer">Its outer IP, which the Gate Peer floods to.</param>
/// <param name="Namespace">The namespace that holds its underlay link and its VXLAN socket.</param>
/// <param name="VxlanDevice">Its VXLAN device, a port of the VPG's device bridge.</param>
/// <param name="RouterLink">The underlay router's link towards it; down means the endpoint is unreachable.</param>
internal sealed record VpgEndpoint(string Label, InterfaceAddress Outer, string Namespace, string VxlanDevice, string RouterLink);

/// <summary>An emulated IoT SIM: a namespace with one address in the device subnet.</summary>
/// <param name="Name">A short name for people (<c>sim1</c>).</param>
/// <param name="Namespace">Its namespace.</param>
/// <param name="Inner">Its inner IP.</param>
internal sealed record SimDevice(string Name, string Namespace, InterfaceAddress Inner);

/// <summary>The Gate Peer host: its namespace and underlay, which gatectl turns into a peer.</summary>
/// <param name="Namespace">Its namespace.</param>
/// <param name="Underlay">Its underlay device name.</param>
/// <param name="Outer">Its outer IP on the underlay.</param>
/// <param name="Inner">The inner IP gatectl is to give it.</param>
internal sealed record PeerHost(string Namespace, string Underlay, InterfaceAddress Outer, InterfaceAddress Inner);
