using System.Globalization;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Plan;

namespace Gate.NetlinkCtl.Backends.Iproute2;

/// <summary>Which iproute2 program runs a batch line.</summary>
internal enum Iproute2Tool
{
    /// <summary><c>ip</c>.</summary>
    Ip,

    /// <summary><c>bridge</c>.</summary>
    Bridge,
}

/// <summary>One line of an <c>ip -batch</c> or <c>bridge -batch</c> script, with the plan step it belongs to.</summary>
internal sealed record BatchLine(Iproute2Tool Tool, IReadOnlyList<string> Words, int StepIndex)
{
    /// <summary>The line as the batch reader parses it (words quoted when they hold blanks).</summary>
    public string Text => string.Join(' ', Words.Select(w => w.Length == 0 || w.Any(char.IsWhiteSpace) ? $"\"{w}\"" : w));
}

/// <summary>Translates plan steps into iproute2 batch lines: the same changes the netlink backend makes.</summary>
internal static class Iproute2Commands
{
    /// <summary>The batch lines of every step, in order.</summary>
    public static IReadOnlyList<BatchLine> Lines(IReadOnlyList<PlanStep> steps) =>
        [.. steps.SelectMany((step, index) => For(step).Select(line => line with { StepIndex = index }))];

    private static IEnumerable<BatchLine> For(PlanStep step) => step switch
    {
        CreateDevice create => Create(create.Gate, create.Interface, create.Device),
        RecreateDevice recreate => [Ip("link", "del", "dev", recreate.Interface), .. Create(recreate.Gate, recreate.Interface, recreate.Device)],
        DeleteDevice delete => [Ip("link", "del", "dev", delete.Interface)],
        SetMtu mtu => [Ip("link", "set", "dev", mtu.Interface, "mtu", Number(mtu.Mtu))],
        SetUp up => [Ip("link", "set", "dev", up.Interface, up.Up ? "up" : "down")],
        AddAddress add => [Ip("address", "add", add.Address.ToString(), "dev", add.Interface, "metric", Number(Ownership.AddressMetric))],
        RemoveAddress remove => [Ip("address", "del", remove.Address.ToString(), "dev", remove.Interface)],
        AddFlood add => [Bridge("fdb", "append", Ownership.FloodMac, "dev", add.Interface, "dst", add.Destination.ToString(), "self", "permanent")],
        RemoveFlood remove => [Bridge("fdb", "del", Ownership.FloodMac, "dev", remove.Interface, "dst", remove.Destination.ToString(), "self")],
        AddRoute add => [Ip(["route", "add", add.Destination.ToString(), .. Via(add.Gateway), "dev", add.Interface, "proto", Number(Ownership.RouteProtocol)])],
        RemoveRoute remove => [Ip(["route", "del", remove.Destination.ToString(), .. Via(remove.Gateway), "dev", remove.Interface, "proto", Number(Ownership.RouteProtocol)])],
        AdoptDevice adopt => [Ip("link", "set", "dev", adopt.Interface, "alias", Ownership.AliasFor(adopt.Gate))],
        SetAddressMetric metric => [Ip("address", "replace", metric.Address.ToString(), "dev", metric.Interface, "metric", Number(metric.Metric))],
        ReleaseDevice release => [Ip("link", "set", "dev", release.Interface, "alias", release.Alias ?? string.Empty)],
        _ => throw new ArgumentException($"the iproute2 backend cannot execute {step.Action} ({step.Describe()})", nameof(step)),
    };

    private static IEnumerable<BatchLine> Create(string gate, string name, VxlanDeviceSpec device)
    {
        List<string> words = ["link", "add", name, "mtu", Number(device.Mtu), "type", "vxlan", "id", Number(device.Vni)];
        if (device.Local is not null)
        {
            words.AddRange(["local", device.Local.ToString()]);
        }

        if (device.Underlay is not null)
        {
            words.AddRange(["dev", device.Underlay]);
        }

        words.AddRange([
            "dstport", Number(device.Port),
            "srcport", Number(device.SourcePorts.ToKernel().Min), Number(device.SourcePorts.ToKernel().Max),
            device.Learning ? "learning" : "nolearning",
        ]);
        // The kernel ignores IFLA_IFALIAS when creating a link, so the ownership mark is a second request.
        return [Ip([.. words]), Ip("link", "set", "dev", name, "alias", Ownership.AliasFor(gate))];
    }

    private static string[] Via(System.Net.IPAddress? gateway) => gateway is null ? [] : ["via", gateway.ToString()];

    private static string Number<T>(T value)
        where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    private static BatchLine Ip(params string[] words) => new(Iproute2Tool.Ip, words, 0);

    private static BatchLine Bridge(params string[] words) => new(Iproute2Tool.Bridge, words, 0);
}
