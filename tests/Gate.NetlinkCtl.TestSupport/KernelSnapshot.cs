namespace Gate.NetlinkCtl.TestSupport;

/// <summary>
/// Everything of a namespace's network a command could change, as <c>ip</c> and <c>bridge</c> print it in JSON:
/// links (with details), IPv4 addresses, routes of every table, FDB and permanent neighbour entries. Two snapshots are
/// equal when nothing changed in between. IPv6 is left out: link-local addresses come and go by themselves (DAD); so
/// does the kernel's own ARP cache (an up gate's first frames make INCOMPLETE entries for its endpoints on the underlay).
/// </summary>
public sealed record KernelSnapshot(string Links, string Addresses, string Routes, string Fdb, string Neighbours)
{
    /// <summary>Observes <paramref name="ns"/>.</summary>
    public static async Task<KernelSnapshot> TakeAsync(TestNamespace ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return new KernelSnapshot(
            await ns.IpAsync("-j", "-d", "link", "show"),
            await ns.IpAsync("-4", "-j", "address", "show"),
            await ns.IpAsync("-4", "-j", "route", "show", "table", "all"),
            await ns.BridgeAsync("-j", "fdb", "show"),
            await ns.IpAsync("-4", "-j", "neighbour", "show", "nud", "permanent"));
    }
}
