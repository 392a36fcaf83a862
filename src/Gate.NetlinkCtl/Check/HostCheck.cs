using Gate.NetlinkCtl.Health;
using Gate.NetlinkCtl.Netlink;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Check;

/// <summary>
/// <c>gatectl check</c>'s engine: every check of every present gate. Read-only: it reads the kernel over netlink and
/// sends a bounded round of ICMP echo per target. The endpoints of a <c>soracom:</c> gate must already be resolved
/// into the state it is given.
/// </summary>
internal static class HostCheck
{
    /// <summary>Runs every check of every gate that should exist, in the namespace <paramref name="netns"/> (null: this one).</summary>
    /// <param name="state">The state, endpoints resolved.</param>
    /// <param name="netns">The network namespace, or null.</param>
    /// <param name="probe">How to probe the data path, or null to leave the probe out.</param>
    /// <param name="cancellationToken">Stops the probe.</param>
    public static async Task<CheckReport> RunAsync(DesiredState state, string? netns, ProbeSettings? probe, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var findings = new List<CheckFinding>();
        using var rtnl = RtnlClient.Open(netns);
        var links = rtnl.GetLinks();
        var kernel = new UnderlayChecks(rtnl, links);
        var (filter, filterUnreadable) = ReadFilter(netns, links);
        foreach (var gate in state.Gates.Where(g => g.State == GatePresence.Present))
        {
            findings.AddRange(kernel.Run(gate));
            findings.AddRange(filter is null
                ? [CheckFinding.Warn(gate.Name, "filter", $"the nftables ruleset cannot be read: {filterUnreadable}", "run gatectl check as root (CAP_NET_ADMIN) to have the packet filter checked")]
                : filter.Run(gate));
            if (probe is not null)
            {
                var mtu = links.FirstOrDefault(l => l.Name == gate.Interface)?.Mtu;
                findings.AddRange(await ProbeAsync(gate, mtu, netns, probe, cancellationToken).ConfigureAwait(false));
            }

            findings.AddRange(kernel.Counters(gate));
        }

        return new CheckReport(findings);
    }

    private static (PacketFilterCheck? Check, string? Problem) ReadFilter(string? netns, IReadOnlyList<Link> links)
    {
        try
        {
            return (new PacketFilterCheck(NfRuleset.Read(netns), links), null);
        }
        catch (NetlinkException e)
        {
            return (null, e.Message);
        }
    }

    // The echo round to every target; then, for each that answers, the path MTU through the gate's device (mtu: null
    // when the device is missing, which the device check reports).
    private static async Task<IReadOnlyList<CheckFinding>> ProbeAsync(GateSpec gate, int? mtu, string? netns, ProbeSettings settings, CancellationToken cancellationToken)
    {
        var targets = DataPathFindings.Targets(gate);
        if (targets.Count == 0)
        {
            return [DataPathFindings.NoTargets(gate)];
        }

        try
        {
            var results = await OverlayProber.ProbeAsync(netns, targets, settings, cancellationToken).ConfigureAwait(false);
            var paths = mtu is { } size
                ? await Task.WhenAll(results.Where(r => r.Up).Select(r => PathMtuProbe.ProbeAsync(netns, r.Target, size, settings.Timeout, cancellationToken))).ConfigureAwait(false)
                : [];
            return [.. results.Select(r => DataPathFindings.Of(gate, r)), .. paths.Select(p => DataPathFindings.PathMtu(gate, p))];
        }
        catch (ProbeUnavailableException e)
        {
            return [DataPathFindings.Unavailable(gate, e)];
        }
    }
}
