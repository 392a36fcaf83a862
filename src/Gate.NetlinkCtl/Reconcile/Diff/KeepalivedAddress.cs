using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Reconcile.Diff;

/// <summary>
/// A gate's VRRP virtual address as seen on its device: keepalived's, not gatectl's. It is neither drift nor a foreign
/// object to worry about, and nothing gatectl runs removes it (it lacks gatectl's address metric).
/// </summary>
/// <param name="Gate">The gate whose <c>ha.virtualAddress</c> it is.</param>
/// <param name="Interface">The device it is on.</param>
/// <param name="Address">The address as the kernel holds it.</param>
internal sealed record KeepalivedAddress(string Gate, string Interface, ObservedAddress Address)
{
    /// <inheritdoc />
    public override string ToString() => $"{Interface}: address {Address.Address} held by keepalived (virtual address of gate {Gate})";

    /// <summary>The virtual addresses of the state's ha gates found on their gatectl devices.</summary>
    public static IEnumerable<KeepalivedAddress> On(DesiredState desired, ObservedHost host)
    {
        foreach (var gate in desired.Gates.Where(g => g.Ha is not null && g.State == GatePresence.Present))
        {
            var observed = host.Find(gate.Interface);
            if (observed is null || !observed.IsGatectls)
            {
                continue;
            }

            // Matched by address alone: keepalived may be configured by hand with another prefix length.
            foreach (var address in observed.Addresses.Where(a => !a.IsOwned && a.Address.Address.Equals(gate.Ha!.VirtualAddress.Address)))
            {
                yield return new KeepalivedAddress(gate.Name, gate.Interface, address);
            }
        }
    }

    /// <summary>The same address as <see cref="ObservedHost.ForeignObjects"/> lists it.</summary>
    public ForeignObject AsForeign() => ForeignObject.ForAddress(Interface, Address);
}
