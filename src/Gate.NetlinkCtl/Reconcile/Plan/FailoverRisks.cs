using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Reconcile.Plan;

/// <summary>
/// Steps that take a gate of a VRRP pair away from keepalived for a moment: deleting or recreating its device drops the
/// virtual address with it, removing gatectl's primary address makes the kernel drop the secondary virtual address, and
/// setting the link down stops the adverts. On the peer holding the address each is a fail-over to the other peer.
/// </summary>
internal static class FailoverRisks
{
    /// <remarks>keepalived 2.2.7 (Debian bookworm) leaves the instance of a recreated device in BACKUP until it is reloaded.</remarks>
    /// <summary>One warning per step of <paramref name="steps"/> that disturbs a gate with an <c>ha</c> block.</summary>
    public static IEnumerable<string> Of(DesiredState desired, IEnumerable<PlanStep> steps)
    {
        var pairs = desired.Gates.Where(g => g.Ha is not null).DistinctBy(g => (g.Name, g.Interface)).ToDictionary(g => (g.Name, g.Interface));
        foreach (var step in steps)
        {
            if (!pairs.TryGetValue((step.Gate, step.Interface), out var gate))
            {
                continue;
            }

            var what = step switch
            {
                RecreateDevice => $"recreating {step.Interface} removes the virtual address {gate.Ha!.VirtualAddress} with it (reload keepalived once it is back)",
                DeleteDevice => $"deleting {step.Interface} removes the virtual address {gate.Ha!.VirtualAddress} with it",
                RemoveAddress => $"removing gatectl's address from {step.Interface} makes the kernel drop the virtual address {gate.Ha!.VirtualAddress} (a secondary address) too",
                SetUp { Up: false } => $"setting {step.Interface} down stops its VRRP adverts",
                _ => null,
            };
            if (what is not null)
            {
                yield return $"gate {step.Gate}: {what}: if this host holds it, devices fail over to the other peer (apply on the backup first, or expect a gap of about 3 s)";
            }
        }
    }
}
