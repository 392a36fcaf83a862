using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Daemon;

/// <summary>
/// Whether this host holds a VRRP pair's virtual address (keepalived's master) or not (backup, or keepalived not
/// running), read from the kernel: the address on the gate's device, as every reconcile observes it. keepalived adding or
/// removing it is an address event on the gate, which triggers a reconcile, so the role follows within one pass.
/// </summary>
/// <param name="Gate">The gate's name.</param>
/// <param name="Interface">Its device.</param>
/// <param name="VirtualAddress">The pair's virtual address.</param>
/// <param name="Master">True when the address is on this host's gate.</param>
internal sealed record HaRole(string Gate, string Interface, string VirtualAddress, bool Master)
{
    /// <summary>The role of each present gate with an <c>ha</c> block in <paramref name="state"/>, as <paramref name="host"/> shows it.</summary>
    public static IReadOnlyList<HaRole> Of(DesiredState state, ObservedHost host) =>
    [
        .. state.Gates
            .Where(g => g.Ha is not null && g.State == GatePresence.Present)
            .Select(g => new HaRole(g.Name, g.Interface, g.Ha!.VirtualAddress.Address.ToString(),
                host.Find(g.Interface)?.Addresses.Any(a => a.Address.Address.Equals(g.Ha.VirtualAddress.Address)) ?? false)),
    ];
}
