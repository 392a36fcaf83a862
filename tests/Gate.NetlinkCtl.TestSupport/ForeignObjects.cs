namespace Gate.NetlinkCtl.TestSupport;

/// <summary>
/// Objects made by hand in a test namespace, as another tool or an administrator would: a VXLAN device of its own
/// (VNI 77, port 4790, no underlay, so it outlives any underlay) with a flood entry and a unicast FDB entry, a dummy
/// device with an address and a static route, and a second address on the underlay. gatectl must never touch any
/// of them; <see cref="AssertIntactAsync"/> checks each is still there, on the same device (same ifindex).
/// </summary>
public sealed class ForeignObjects
{
    private readonly TestNamespace _ns;
    private readonly string? _underlay;
    private readonly KernelSnapshot _made;

    private ForeignObjects(TestNamespace ns, string? underlay, KernelSnapshot made)
    {
        _ns = ns;
        _underlay = underlay;
        _made = made;
    }

    /// <summary>The devices these objects make (another tool's, so a NetworkManager under test is told to leave them alone).</summary>
    public static IReadOnlyList<string> Devices { get; } = ["vxf0", "fx0", "fx0p"];

    /// <summary>
    /// Makes the objects in <paramref name="ns"/>; <paramref name="underlay"/> (up, with an address) gets a second address,
    /// unless it is null.
    /// </summary>
    public static async Task<ForeignObjects> AddAsync(TestNamespace ns, string? underlay = "u0")
    {
        ArgumentNullException.ThrowIfNull(ns);
        await ns.IpAsync("link", "add", "vxf0", "type", "vxlan", "id", "77", "dstport", "4790", "local", "203.0.113.77");
        await ns.BridgeAsync("fdb", "append", "00:00:00:00:00:00", "dev", "vxf0", "dst", "203.0.113.9", "self", "permanent");
        await ns.BridgeAsync("fdb", "add", "02:00:00:00:00:77", "dev", "vxf0", "dst", "203.0.113.10", "self", "permanent");
        await ns.IpAsync("link", "add", "fx0", "type", "veth", "peer", "name", "fx0p");
        await ns.IpAsync("address", "add", "203.0.113.77/24", "dev", "fx0");
        await ns.IpAsync("link", "set", "fx0p", "up");
        await ns.IpAsync("link", "set", "fx0", "up");
        await ns.IpAsync("route", "add", "198.19.77.0/24", "via", "203.0.113.1", "dev", "fx0", "proto", "static");
        // Carrier comes up asynchronously: record the pair once it has settled, not mid-way.
        if (!await Poll.UntilAsync(async () => (await ns.IpAsync("-br", "link", "show", "fx0")).Contains(" UP ", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException("the foreign veth fx0 did not come up");
        }

        if (underlay is not null)
        {
            await ns.IpAsync("address", "add", "192.0.2.77/24", "dev", underlay);
        }

        return new ForeignObjects(ns, underlay, await SnapshotAsync(ns, underlay));
    }

    /// <summary>Fails the test unless every foreign object is still there, unchanged.</summary>
    public async Task AssertIntactAsync(string when)
    {
        var now = await SnapshotAsync(_ns, _underlay);
        if (now != _made)
        {
            throw new Xunit.Sdk.XunitException($"foreign objects changed {when}:\nbefore: {_made}\nafter:  {now}");
        }
    }

    // Only the foreign objects themselves: the devices' details, their addresses, routes and FDB entries, and the
    // underlay's second address (the underlay itself may legitimately go down and up in a test).
    private static async Task<KernelSnapshot> SnapshotAsync(TestNamespace ns, string? underlay)
    {
        var fdb = await ns.BridgeAsync("fdb", "show", "dev", "vxf0");
        var underlayAddresses = underlay is null ? "inet 192.0.2.77/24 (not asked for)" : await ns.IpAsync("-4", "-o", "address", "show", "dev", underlay);
        return new KernelSnapshot(
            await ns.IpAsync("-d", "-j", "link", "show", "dev", "vxf0") + await ns.IpAsync("-d", "-j", "link", "show", "dev", "fx0") + await ns.IpAsync("-d", "-j", "link", "show", "dev", "fx0p"),
            (await ns.IpAsync("-4", "-j", "address", "show", "dev", "fx0"))
                + (underlayAddresses.Contains("inet 192.0.2.77/24", StringComparison.Ordinal) ? "underlay: 192.0.2.77/24" : "underlay: second address missing"),
            await ns.IpAsync("-4", "route", "show", "dev", "fx0"),
            string.Join('\n', fdb.Split('\n').Where(l => l.Contains("dst 203.0.113.", StringComparison.Ordinal)).Order(StringComparer.Ordinal)),
            string.Empty);
    }
}
