using Gate.NetlinkCtl.Netlink;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Check;

/// <summary>
/// <c>gatectl check</c>'s engine: every check of every present gate, read-only. The endpoints of a <c>soracom:</c>
/// gate must already be resolved into the state it is given.
/// </summary>
public static class HostCheck
{
    /// <summary>Runs the kernel-side checks of every gate that should exist, in the namespace <paramref name="netns"/> (null: this one).</summary>
    public static CheckReport Run(DesiredState state, string? netns)
    {
        ArgumentNullException.ThrowIfNull(state);
        var findings = new List<CheckFinding>();
        using var rtnl = RtnlClient.Open(netns);
        var links = rtnl.GetLinks();
        var kernel = new UnderlayChecks(rtnl, links);
        foreach (var gate in state.Gates.Where(g => g.State == GatePresence.Present))
        {
            findings.AddRange(kernel.Run(gate));
        }

        return new CheckReport(findings);
    }
}
