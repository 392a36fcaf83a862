using System.Net;
using Gate.NetlinkCtl.Netlink;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Check;

/// <summary>
/// The host's packet filter: every nftables base chain on the prerouting and input hooks (families inet and ip, so
/// iptables-nft's tables too), read over netlink and run for a VXLAN packet from each endpoint and peer to the gate's
/// <c>local</c>. A rule or policy that drops or rejects it is named by table, chain and handle, with the fix.
/// </summary>
internal sealed class PacketFilterCheck(NfRuleset ruleset, IReadOnlyList<Link> links)
{
    private const byte InetFamily = 1;
    private const byte IpFamily = 2;
    private const uint PreroutingHook = 0;
    private const uint InputHook = 1;
    private const uint DropPolicy = 0;
    private const int MaxJumps = 16;

    /// <summary>The findings for one gate: ✘ per rule sure to drop, ⚠ per rule that may, else one ✔.</summary>
    public IEnumerable<CheckFinding> Run(GateSpec gate)
    {
        var underlay = links.FirstOrDefault(l => l.Name == gate.Underlay);
        var baseChains = ruleset.Chains
            .Where(c => c.Family is InetFamily or IpFamily && c.Chain.Hook is PreroutingHook or InputHook)
            .OrderBy(c => c.Chain.Hook).ThenBy(c => c.Chain.Priority ?? 0)
            .ToList();
        var drops = new Dictionary<string, (Drop Drop, List<IPAddress> Sources)>();
        foreach (var source in gate.FloodDestinations)
        {
            var packet = new PacketModel(source, gate.Local, gate.Port, gate.Underlay, underlay?.Index ?? 0);
            foreach (var chain in baseChains)
            {
                if (Walk(chain, packet) is { } drop)
                {
                    var key = $"{drop.Chain.Family}/{drop.Chain.Table}/{drop.Chain.Chain.Name}/{drop.Handle}/{drop.Certain}";
                    if (!drops.TryGetValue(key, out var entry))
                    {
                        drops[key] = entry = (drop, []);
                    }

                    entry.Sources.Add(source);
                }
            }
        }

        if (drops.Count == 0)
        {
            yield return CheckFinding.Pass(gate.Name, "filter", $"{baseChains.Count} nftables base chain{(baseChains.Count == 1 ? "" : "s")} on prerouting/input let UDP {gate.Port} from the endpoints to {gate.Local} through");
            yield break;
        }

        foreach (var (drop, sources) in drops.Values)
        {
            var seen = $"{Describe(drop)} {(drop.Certain ? "drops" : "may drop")} UDP {gate.Port} from {string.Join(", ", sources)} to {gate.Local}"
                + (drop.Unknown is null ? "" : $" (it depends on {drop.Unknown}, which the check cannot evaluate)");
            var fix = Fix(drop, sources, gate);
            yield return drop.Certain ? CheckFinding.Fail(gate.Name, "filter", seen, fix) : CheckFinding.Warn(gate.Name, "filter", seen, fix);
        }
    }

    private static string Describe(Drop drop)
    {
        var where = $"table {FamilyName(drop.Chain.Family)} {drop.Chain.Table} chain {drop.Chain.Chain.Name}";
        return drop.Handle is { } handle ? $"{where} handle {handle}" : $"{where} (policy drop)";
    }

    private static string Fix(Drop drop, IReadOnlyList<IPAddress> sources, GateSpec gate)
    {
        var family = FamilyName(drop.Chain.Family);
        var table = drop.Chain.Table;
        var chain = drop.Chain.Chain.Name;
        if (drop.Chain.Family == InetFamily && table == Guard.GuardTable.Name)
        {
            return $"gatectl's guard accepts only the gate's endpoints and peers as last applied: run 'gatectl apply' so it learns {string.Join(", ", sources)}";
        }

        var accept = $"ip saddr {{ {string.Join(", ", sources)} }} ip daddr {gate.Local} udp dport {gate.Port} accept";
        if (drop.Chain.Family == IpFamily && chain.All(c => !char.IsLower(c)))
        {
            // iptables-nft's own chains (INPUT, PREROUTING) are best changed with iptables, which keeps its rule format.
            return $"allow it before the drop with iptables: {string.Join("; ", sources.Select(s => $"iptables -t {table} -I {chain} -p udp -s {s} -d {gate.Local} --dport {gate.Port} -j ACCEPT"))}";
        }

        return drop.Handle is { } handle
            ? $"delete the rule ('nft delete rule {family} {table} {chain} handle {handle}') or accept the endpoints before it: 'nft insert rule {family} {table} {chain} position {handle} {accept}'"
            : $"accept the endpoints in the chain: 'nft add rule {family} {table} {chain} {accept}' (or, with gatectl's guard, see docs/guard.md)";
    }

    private static string FamilyName(byte family) => family == InetFamily ? "inet" : "ip";

    // The packet's fate in one base chain: null when it is accepted or passes, else the rule (or policy) that drops it.
    private Drop? Walk(NfRulesetChain baseChain, PacketModel packet)
    {
        var evaluator = new RuleEvaluator(packet, ruleset.Sets);
        var (verdict, drop, uncertain) = WalkChain(baseChain, baseChain.Chain.Name, evaluator, 0, null);
        if (verdict == RuleAction.Drop)
        {
            return drop;
        }

        if (verdict == RuleAction.Accept)
        {
            return null;
        }

        return baseChain.Chain.Policy == DropPolicy ? new Drop(baseChain, null, uncertain is null, uncertain) : null;
    }

    // Returns Accept or Drop when the chain (or one it jumps to) decides, Return/Continue when evaluation goes back to the caller.
    private (RuleAction Verdict, Drop? Drop, string? Uncertain) WalkChain(NfRulesetChain baseChain, string chainName, RuleEvaluator evaluator, int depth, string? uncertain)
    {
        if (depth > MaxJumps)
        {
            return (RuleAction.Continue, null, uncertain ?? "jumps nested too deep");
        }

        var chain = ruleset.Chains.FirstOrDefault(c => c.Family == baseChain.Family && c.Table == baseChain.Table && c.Chain.Name == chainName) ?? baseChain;
        foreach (var rule in ruleset.Rules.Where(r => r.Family == baseChain.Family && r.Table == baseChain.Table && r.Chain == chainName))
        {
            var outcome = evaluator.Evaluate(rule);
            if (outcome.Match == Match.No || outcome.Action == RuleAction.Continue)
            {
                continue;
            }

            var maybe = outcome.Match == Match.Maybe;
            switch (outcome.Action)
            {
                case RuleAction.Accept when !maybe:
                    return (RuleAction.Accept, null, uncertain);
                case RuleAction.Accept or RuleAction.Return when maybe:
                    uncertain ??= outcome.Unknown;
                    continue;
                case RuleAction.Drop:
                    return (RuleAction.Drop, new Drop(chain, rule.Handle, !maybe && uncertain is null, outcome.Unknown ?? uncertain), uncertain);
                case RuleAction.Return:
                    return (RuleAction.Return, null, uncertain);
                case RuleAction.Jump or RuleAction.Goto when outcome.Target is { } target:
                    var (verdict, drop, after) = WalkChain(baseChain, target, evaluator, depth + 1, maybe ? uncertain ?? outcome.Unknown : uncertain);
                    if (verdict is RuleAction.Drop)
                    {
                        return (verdict, drop, after);
                    }

                    if (verdict is RuleAction.Accept && !maybe)
                    {
                        return (verdict, null, after);
                    }

                    uncertain = after;
                    if (outcome.Action == RuleAction.Goto && !maybe)
                    {
                        return (RuleAction.Return, null, uncertain);
                    }

                    continue;
                default:
                    continue;
            }
        }

        return (RuleAction.Continue, null, uncertain);
    }

    private sealed record Drop(NfRulesetChain Chain, ulong? Handle, bool Certain, string? Unknown);
}
