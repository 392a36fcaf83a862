using System.Net;
using Gate.NetlinkCtl.Netlink;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Check;

/// <summary>
/// The kernel-side checks of one gate, read-only over rtnetlink: the gate device, its underlay (up, carrier), the route
/// to every endpoint and peer (RTM_GETROUTE), the MTU, other VXLAN devices on the same port, rp_filter and the counters.
/// </summary>
internal sealed class UnderlayChecks(RtnlClient rtnl, IReadOnlyList<Link> links)
{
    private const int RpFilterStrict = 1;

    /// <summary>Runs every kernel-side check of <paramref name="gate"/> but the counters, whose endpoints are already resolved.</summary>
    public IEnumerable<CheckFinding> Run(GateSpec gate)
    {
        var device = links.FirstOrDefault(l => l.Name == gate.Interface);
        var underlay = links.FirstOrDefault(l => l.Name == gate.Underlay);
        yield return DeviceFinding(gate, device);
        yield return UnderlayFinding(gate, underlay);
        if (underlay is null)
        {
            yield break;
        }

        var lookups = new List<RouteLookup>();
        foreach (var destination in gate.FloodDestinations)
        {
            var (finding, lookup) = RouteFinding(gate, underlay, destination);
            yield return finding;
            if (lookup is not null)
            {
                lookups.Add(lookup);
            }
        }

        if (device is not null)
        {
            yield return MtuFinding(gate, device, underlay, lookups);
        }

        foreach (var finding in PortSharing(gate, device))
        {
            yield return finding;
        }

        foreach (var finding in ReversePathFilter(gate, device, underlay, lookups))
        {
            yield return finding;
        }

        foreach (var finding in ForwardingFindings(gate, device, underlay))
        {
            yield return finding;
        }
    }

    // A routing gate forwards between the gate and its underlay, a gateway between the gate and its egress: the kernel
    // forwards a packet only when the device it arrives on has forwarding on, so each of the two must.
    private IEnumerable<CheckFinding> ForwardingFindings(GateSpec gate, Link? device, Link underlay)
    {
        var needed = new List<(string Name, Link? Link, string Why)>();
        if (gate.Routing is { Forward: true })
        {
            needed.Add((gate.Interface, device, "routing"));
            needed.Add((underlay.Name, underlay, "routing"));
        }

        if (gate.Gateway is { } gateway)
        {
            needed.Add((gate.Interface, device, "gateway"));
            needed.Add((gateway.Egress, links.FirstOrDefault(l => l.Name == gateway.Egress), "gateway"));
        }

        foreach (var (name, link, why) in needed.DistinctBy(n => n.Name))
        {
            var check = $"forwarding {name}";
            if (link is null)
            {
                yield return CheckFinding.Fail(gate.Name, check, $"{name} ({why}) does not exist", $"create {name}, or change the gate's {why} block");
                continue;
            }

            var on = rtnl.GetNetconf(link.Index)?.Forwarding;
            yield return on == true
                ? CheckFinding.Pass(gate.Name, check, $"forwarding on for {name} ({why})")
                : CheckFinding.Fail(gate.Name, check, $"forwarding off for {name}: packets of the {why} block arriving on it are dropped",
                    "run 'gatectl apply' (it sets it over rtnetlink and puts the old value back on delete); 'gatectl run' repairs it by itself");
        }
    }

    /// <summary>The gate device's counters (read after the probes, so a working gate has received something), or nothing without the device.</summary>
    public IEnumerable<CheckFinding> Counters(GateSpec gate)
    {
        var device = links.FirstOrDefault(l => l.Name == gate.Interface);
        if (device is not null && rtnl.GetLinkCounters(device.Index) is { } counters)
        {
            yield return CountersFinding(gate, counters);
        }
    }

    private static CheckFinding DeviceFinding(GateSpec gate, Link? device)
    {
        if (device is null)
        {
            return CheckFinding.Fail(gate.Name, "device", $"{gate.Interface} does not exist", "run 'gatectl apply' with this state file");
        }

        if (device.Vxlan is null || Ownership.GateOfAlias(device.Alias) != gate.Name)
        {
            return CheckFinding.Fail(gate.Name, "device", $"{gate.Interface} exists but is not this gate's VXLAN device (kind {device.Kind ?? "none"}, alias {device.Alias ?? "none"})",
                "see 'gatectl diff' for what differs; rename the foreign device or set adopt: true (docs/migration.md)");
        }

        if (!device.IsUp)
        {
            return CheckFinding.Fail(gate.Name, "device", $"{gate.Interface} is down", $"run 'gatectl apply', or 'ip link set dev {gate.Interface} up'");
        }

        return CheckFinding.Pass(gate.Name, "device", $"{gate.Interface}: VXLAN VNI {device.Vxlan.Vni}, up, mtu {device.Mtu}");
    }

    private static CheckFinding UnderlayFinding(GateSpec gate, Link? underlay)
    {
        if (underlay is null)
        {
            return CheckFinding.Fail(gate.Name, "underlay", $"the underlay {gate.Underlay} does not exist", $"correct 'underlay' in the state file (ip -br link lists the devices)");
        }

        if (!underlay.IsUp)
        {
            return CheckFinding.Fail(gate.Name, "underlay", $"{gate.Underlay} is administratively down", $"ip link set dev {gate.Underlay} up");
        }

        if ((underlay.Flags & LinkFlags.LowerUp) == 0)
        {
            return CheckFinding.Fail(gate.Name, "underlay", $"{gate.Underlay} is up but has no carrier (operstate {underlay.OperState})",
                "connect the link (cable, virtual NIC, the veth's other end) and bring it up");
        }

        return CheckFinding.Pass(gate.Name, "underlay", $"{gate.Underlay}: up, carrier, mtu {underlay.Mtu}");
    }

    private (CheckFinding Finding, RouteLookup? Lookup) RouteFinding(GateSpec gate, Link underlay, IPAddress destination)
    {
        var check = $"route {destination}";
        RouteLookup lookup;
        try
        {
            lookup = rtnl.RouteGet(destination);
        }
        catch (NetlinkException e)
        {
            return (CheckFinding.Fail(gate.Name, check, $"no route: {e.ErrnoName ?? e.Message}",
                $"add a route to {destination} out of {gate.Underlay} (a default route via the underlay's gateway does it)"), null);
        }

        if (lookup.Type == RouteLookup.LocalType)
        {
            return (CheckFinding.Fail(gate.Name, check, $"{destination} is an address of this host", $"{destination} cannot be an endpoint or peer of this host: remove it from the state"), lookup);
        }

        var via = lookup.Gateway is null ? "" : $" via {lookup.Gateway}";
        var output = links.FirstOrDefault(l => l.Index == lookup.OutputIndex);
        var outputName = output?.Name ?? $"#{lookup.OutputIndex}";
        if (output is not null && (output.Vxlan is not null || Ownership.GateOfAlias(output.Alias) is not null))
        {
            return (CheckFinding.Fail(gate.Name, check, $"leaves by {outputName}{via}, a VXLAN device: the tunnel would carry its own packets",
                $"remove the route that sends {destination} into {outputName} ('ip route get {destination}' shows it); the endpoint must be reached by {gate.Underlay}"), lookup);
        }

        if (lookup.OutputIndex != underlay.Index)
        {
            return (CheckFinding.Fail(gate.Name, check, $"leaves by {outputName}{via}, not the underlay {gate.Underlay}",
                $"route {destination} out of {gate.Underlay} ('ip route get {destination}' shows the route in the way), or set 'underlay: {outputName}'"), lookup);
        }

        if (lookup.PreferredSource is { } source && !source.Equals(gate.Local))
        {
            return (CheckFinding.Warn(gate.Name, check, $"{gate.Underlay}{via}, but the kernel would choose source {source}, not local {gate.Local}",
                $"the gate still sends from {gate.Local}; make {gate.Local} the route's source ('ip route change ... src {gate.Local}') so replies and firewalls agree"), lookup);
        }

        return (CheckFinding.Pass(gate.Name, check, $"{gate.Underlay}{via}, source {lookup.PreferredSource?.ToString() ?? gate.Local.ToString()}"), lookup);
    }

    private static CheckFinding MtuFinding(GateSpec gate, Link device, Link underlay, IReadOnlyList<RouteLookup> lookups)
    {
        var fits = underlay.Mtu - GateSpec.VxlanOverhead;
        if (device.Mtu > fits)
        {
            return CheckFinding.Fail(gate.Name, "mtu", $"{gate.Interface} mtu {device.Mtu} needs {device.Mtu + GateSpec.VxlanOverhead} bytes on {gate.Underlay}, which carries {underlay.Mtu}",
                $"set 'mtu: {fits}' (or remove 'mtu:') in the state file and run 'gatectl apply'");
        }

        var narrow = lookups.Where(l => l.Mtu is { } m && device.Mtu + GateSpec.VxlanOverhead > m).ToList();
        if (narrow.Count > 0)
        {
            var smallest = narrow.Min(l => l.Mtu!.Value);
            return CheckFinding.Fail(gate.Name, "mtu", $"{gate.Interface} mtu {device.Mtu}, but the path to {string.Join(", ", narrow.Select(l => $"{l.Destination} carries {l.Mtu}"))}",
                $"set 'mtu: {smallest - GateSpec.VxlanOverhead}' in the state file and run 'gatectl apply'");
        }

        return CheckFinding.Pass(gate.Name, "mtu", $"{gate.Interface} mtu {device.Mtu} + {GateSpec.VxlanOverhead} fits {gate.Underlay} mtu {underlay.Mtu}");
    }

    private IEnumerable<CheckFinding> PortSharing(GateSpec gate, Link? device)
    {
        var others = links.Where(l => l.Vxlan is { } v && l.Index != device?.Index
            && (v.Port ?? GateSpec.DefaultPort) == gate.Port
            && (v.Local is null || v.Local.Equals(IPAddress.Any) || v.Local.Equals(gate.Local))).ToList();
        if (others.Count == 0)
        {
            yield return CheckFinding.Pass(gate.Name, "port", $"no other VXLAN device on UDP {gate.Port}");
            yield break;
        }

        foreach (var other in others)
        {
            var v = other.Vxlan!;
            var seen = $"{other.Name} (VNI {v.Vni}, local {v.Local?.ToString() ?? "any"}{(v.CollectMetadata == true ? ", external" : "")}) also listens on UDP {gate.Port}";
            var fix = $"delete {other.Name} ('ip link del {other.Name}') or move it to another port or address; Calico's vxlan.calico and flannel's flannel.1 are examples, and their firewall rules for {gate.Port} apply to the gate's traffic too";
            if (v.Vni == gate.Vni || v.CollectMetadata == true)
            {
                yield return CheckFinding.Fail(gate.Name, "port", $"{seen}: {(v.CollectMetadata == true ? "it takes every VNI" : $"it takes VNI {gate.Vni}")}, so frames for {gate.Interface} can land on it", fix);
            }
            else
            {
                yield return CheckFinding.Warn(gate.Name, "port", $"{seen} with another VNI: the kernel shares the socket, so it works while both keep their flags", fix);
            }
        }
    }

    private IEnumerable<CheckFinding> ReversePathFilter(GateSpec gate, Link? device, Link underlay, IReadOnlyList<RouteLookup> lookups)
    {
        var all = rtnl.GetNetconf(InterfaceNetconf.All)?.ReversePathFilter ?? 0;
        var egress = gate.Gateway is { } gw ? links.FirstOrDefault(l => l.Name == gw.Egress && l.Name != underlay.Name) : null;
        foreach (var link in new[] { underlay, device, egress })
        {
            if (link is null)
            {
                continue;
            }

            // The kernel applies the larger of conf/all and conf/<dev>.
            var own = rtnl.GetNetconf(link.Index)?.ReversePathFilter ?? 0;
            var effective = Math.Max(all, own);
            var check = $"rp_filter {link.Name}";
            var mode = effective switch { 0 => "off", RpFilterStrict => "strict", _ => "loose" };
            var setting = $"rp_filter {mode} (all {all}, {link.Name} {own})";
            var fix = $"sysctl -w net.ipv4.conf.{link.Name}.rp_filter=2{(all == RpFilterStrict ? " net.ipv4.conf.all.rp_filter=2" : "")} (loose), and persist it in /etc/sysctl.d/";
            if (effective != RpFilterStrict)
            {
                yield return CheckFinding.Pass(gate.Name, check, setting);
            }
            else if (link == underlay && lookups.Any(l => l.OutputIndex != underlay.Index))
            {
                var asymmetric = lookups.Where(l => l.OutputIndex != underlay.Index).Select(l => l.Destination);
                yield return CheckFinding.Fail(gate.Name, check, $"{setting}: the way back to {string.Join(", ", asymmetric)} is not {link.Name}, so their VXLAN packets arriving on {link.Name} are dropped", fix);
            }
            else
            {
                yield return CheckFinding.Warn(gate.Name, check, $"{setting}: fine while every source's route leads back through {link.Name}; an asymmetric path drops silently", fix);
            }
        }
    }

    private static CheckFinding CountersFinding(GateSpec gate, LinkCounters counters)
    {
        var seen = $"{gate.Interface}: {counters}";
        if (counters.TxPackets > 0 && counters.RxPackets == 0)
        {
            return CheckFinding.Warn(gate.Name, "counters", $"{seen}: sends, never received",
                $"nothing came back: check UDP {gate.Port} from the endpoints to {gate.Local} (security group, firewall), that Gate is open on the VPG and that this host is registered as a peer");
        }

        if (counters.RxErrors + counters.TxErrors > 0)
        {
            return CheckFinding.Warn(gate.Name, "counters", seen, $"errors on {gate.Interface}: 'ip -s -s link show {gate.Interface}' shows which kind");
        }

        return CheckFinding.Pass(gate.Name, "counters", seen);
    }
}
