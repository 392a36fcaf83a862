using System.Net;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Tests.Reconcile;

/// <summary>Desired states built in code, shaped like SORACOM's example (test addresses only).</summary>
internal static class SampleGates
{
    /// <summary>The outer IP of the host under test, on its underlay <c>u0</c>.</summary>
    public static readonly IPAddress Local = IPAddress.Parse("192.0.2.10");

    /// <summary>A gate like the vendor script's: VNI 10, port 4789, source ports 4789-4789, two VPG endpoints.</summary>
    public static GateSpec Soracom(
        string name = "soracom",
        string iface = "gate0",
        uint vni = GateSpec.DefaultVni,
        string underlay = "u0",
        int? mtu = null,
        string address = "198.18.0.10/24",
        string[]? endpoints = null,
        (string To, string Via)[]? routes = null,
        GatePresence state = GatePresence.Present)
    {
        if (!InterfaceAddress.TryParse(address, out var inner))
        {
            throw new ArgumentException($"not an address with prefix: {address}", nameof(address));
        }

        return new GateSpec(
            name,
            iface,
            vni,
            underlay,
            Local,
            GateSpec.DefaultPort,
            PortRange.Default,
            inner,
            inner.Network,
            mtu,
            Learning: false,
            (endpoints ?? ["192.0.2.1", "192.0.2.2"]).Select(IPAddress.Parse).ToEquatableList(),
            EquatableList<PeerSpec>.Empty,
            (routes ?? [("198.20.0.0/24", "198.18.0.1")]).Select(r => new RouteSpec(IPNetwork.Parse(r.To), IPAddress.Parse(r.Via))).ToEquatableList(),
            state);
    }

    /// <summary>A state file with these gates and default host settings.</summary>
    public static DesiredState Desired(params GateSpec[] gates) =>
        new(StateSchema.ApiVersion, StateSchema.Kind, HostSettings.Default, gates.ToEquatableList());
}
