using System.Net;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Reconcile.Plan;

/// <summary>One typed change to the host; a plan is an ordered list of them, executed by any backend.</summary>
/// <param name="Gate">The gate the change belongs to.</param>
/// <param name="Interface">The device it changes.</param>
internal abstract record PlanStep(string Gate, string Interface)
{
    /// <summary>A short, stable verb for scripts (<c>create-device</c>, <c>add-flood</c>, ...).</summary>
    public abstract string Action { get; }

    /// <summary>What the step does, for people.</summary>
    public abstract string Describe();

    /// <inheritdoc />
    public override string ToString() => Describe();
}

/// <summary>The attributes a gatectl VXLAN device is created with.</summary>
/// <param name="Vni">VXLAN network identifier.</param>
/// <param name="Local">Tunnel source address (null only when restoring a device that had none).</param>
/// <param name="Underlay">Underlay device name (null only when restoring a device that had none).</param>
/// <param name="Port">UDP destination port.</param>
/// <param name="SourcePorts">UDP source port range.</param>
/// <param name="Learning">Whether the device learns remote MACs.</param>
/// <param name="Mtu">MTU to create it with.</param>
internal sealed record VxlanDeviceSpec(
    uint Vni,
    IPAddress? Local,
    string? Underlay,
    ushort Port,
    PortRange SourcePorts,
    bool Learning,
    int Mtu)
{
    /// <summary>The device as <c>ip -d link show</c> would print it (the source port range in the kernel's half-open form).</summary>
    public override string ToString() =>
        $"vxlan id {Vni}{(Local is null ? "" : $" local {Local}")}{(Underlay is null ? "" : $" dev {Underlay}")} dstport {Port} srcport {SourcePorts.ToKernel().Min} {SourcePorts.ToKernel().Max} {(Learning ? "learning" : "nolearning")} mtu {Mtu}";
}

/// <summary>Creates a gate's VXLAN device (down, with gatectl's alias).</summary>
internal sealed record CreateDevice(string Gate, string Interface, VxlanDeviceSpec Device) : PlanStep(Gate, Interface)
{
    /// <inheritdoc />
    public override string Action => "create-device";

    /// <inheritdoc />
    public override string Describe() => $"create {Interface}: {Device}, alias {Ownership.AliasFor(Gate)}";
}

/// <summary>Deletes and creates again a device whose fixed attributes differ; <see cref="Reason"/> says which.</summary>
internal sealed record RecreateDevice(string Gate, string Interface, VxlanDeviceSpec Device, string Reason) : PlanStep(Gate, Interface)
{
    /// <inheritdoc />
    public override string Action => "recreate-device";

    /// <inheritdoc />
    public override string Describe() => $"recreate {Interface} ({Reason}): {Device}, alias {Ownership.AliasFor(Gate)}";
}

/// <summary>Deletes a gatectl device (gate absent, or no longer in the state file).</summary>
internal sealed record DeleteDevice(string Gate, string Interface, string Reason) : PlanStep(Gate, Interface)
{
    /// <inheritdoc />
    public override string Action => "delete-device";

    /// <inheritdoc />
    public override string Describe() => $"delete {Interface} ({Reason})";
}

/// <summary>Changes a device's MTU in place.</summary>
internal sealed record SetMtu(string Gate, string Interface, int Mtu, int Current) : PlanStep(Gate, Interface)
{
    /// <inheritdoc />
    public override string Action => "set-mtu";

    /// <inheritdoc />
    public override string Describe() => $"set mtu of {Interface} to {Mtu} (now {Current})";
}

/// <summary>Sets a device administratively up or down.</summary>
internal sealed record SetUp(string Gate, string Interface, bool Up) : PlanStep(Gate, Interface)
{
    /// <inheritdoc />
    public override string Action => Up ? "set-up" : "set-down";

    /// <inheritdoc />
    public override string Describe() => $"set {Interface} {(Up ? "up" : "down")}";
}

/// <summary>Adds an IPv4 address with gatectl's metric (147).</summary>
internal sealed record AddAddress(string Gate, string Interface, InterfaceAddress Address) : PlanStep(Gate, Interface)
{
    /// <inheritdoc />
    public override string Action => "add-address";

    /// <inheritdoc />
    public override string Describe() => $"add address {Address} metric {Ownership.AddressMetric} to {Interface}";
}

/// <summary>Removes one of gatectl's addresses.</summary>
internal sealed record RemoveAddress(string Gate, string Interface, InterfaceAddress Address) : PlanStep(Gate, Interface)
{
    /// <inheritdoc />
    public override string Action => "remove-address";

    /// <inheritdoc />
    public override string Describe() => $"remove address {Address} from {Interface}";
}

/// <summary>Appends a permanent all-zero FDB entry towards a remote VTEP.</summary>
internal sealed record AddFlood(string Gate, string Interface, IPAddress Destination) : PlanStep(Gate, Interface)
{
    /// <inheritdoc />
    public override string Action => "add-flood";

    /// <inheritdoc />
    public override string Describe() => $"add flood entry {Ownership.FloodMac} dst {Destination} to {Interface}";
}

/// <summary>Removes one of gatectl's flood entries.</summary>
internal sealed record RemoveFlood(string Gate, string Interface, IPAddress Destination) : PlanStep(Gate, Interface)
{
    /// <inheritdoc />
    public override string Action => "remove-flood";

    /// <inheritdoc />
    public override string Describe() => $"remove flood entry {Ownership.FloodMac} dst {Destination} from {Interface}";
}

/// <summary>Adds a route with gatectl's protocol (147) through the device.</summary>
internal sealed record AddRoute(string Gate, string Interface, IPNetwork Destination, IPAddress? Gateway) : PlanStep(Gate, Interface)
{
    /// <inheritdoc />
    public override string Action => "add-route";

    /// <inheritdoc />
    public override string Describe() =>
        $"add route {Destination}{(Gateway is null ? "" : $" via {Gateway}")} dev {Interface} proto {Ownership.RouteProtocol}";
}

/// <summary>Removes one of gatectl's routes.</summary>
internal sealed record RemoveRoute(string Gate, string Interface, IPNetwork Destination, IPAddress? Gateway) : PlanStep(Gate, Interface)
{
    /// <inheritdoc />
    public override string Action => "remove-route";

    /// <inheritdoc />
    public override string Describe() =>
        $"remove route {Destination}{(Gateway is null ? "" : $" via {Gateway}")} dev {Interface} proto {Ownership.RouteProtocol}";
}

/// <summary>
/// Takes over, in place, a VXLAN device gatectl did not make (<c>adopt: true</c>) by writing gatectl's alias into it;
/// the device, its ifindex and its traffic stay as they are.
/// </summary>
/// <param name="Gate">The adopting gate.</param>
/// <param name="Interface">The device.</param>
/// <param name="Index">Its ifindex when observed: a backend that can check refuses a device recreated meanwhile.</param>
/// <param name="PreviousAlias">The alias it had (null for none), for the record and for rollback.</param>
internal sealed record AdoptDevice(string Gate, string Interface, int Index, string? PreviousAlias) : PlanStep(Gate, Interface)
{
    /// <inheritdoc />
    public override string Action => "adopt-device";

    /// <inheritdoc />
    public override string Describe() =>
        $"adopt {Interface} in place (ifindex {Index}{(PreviousAlias is null ? "" : $", alias '{PreviousAlias}'")}): set alias {Ownership.AliasFor(Gate)}";
}

/// <summary>
/// Changes an existing address's prefix-route metric in place (<c>ip addr replace ... metric M</c>): how an adopted
/// address becomes gatectl's (0 -> 147), and how a rollback gives it back.
/// </summary>
/// <remarks>
/// The kernel refuses the same IPv4 address twice on a device whatever the metric ("Address already assigned"), so
/// "add the marked copy, then delete the unmarked one" cannot be done. A replace keeps the address itself and lets the
/// kernel move its prefix route: it inserts the route with the new metric before it deletes the old one
/// (<c>fib_modify_prefix_metric</c>), so the subnet is routed at every instant.
/// </remarks>
internal sealed record SetAddressMetric(string Gate, string Interface, InterfaceAddress Address, uint Metric, uint Current) : PlanStep(Gate, Interface)
{
    /// <inheritdoc />
    public override string Action => "set-address-metric";

    /// <inheritdoc />
    public override string Describe() =>
        $"set metric of address {Address} on {Interface} to {Metric} in place (now {Current}; the address stays, its prefix route is replaced)";
}

/// <summary>Gives an adopted device back (rollback of an adoption): its alias returns to what it was.</summary>
internal sealed record ReleaseDevice(string Gate, string Interface, string? Alias) : PlanStep(Gate, Interface)
{
    /// <inheritdoc />
    public override string Action => "release-device";

    /// <inheritdoc />
    public override string Describe() =>
        $"release {Interface}: {(Alias is null ? "clear its alias" : $"set its alias back to '{Alias}'")}";
}
