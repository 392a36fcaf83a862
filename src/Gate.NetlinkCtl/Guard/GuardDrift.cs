using Gate.NetlinkCtl.Netlink;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Guard;

/// <summary>How gatectl's nftables table compares with what the state asks for.</summary>
internal enum GuardStatus
{
    /// <summary>The table holds exactly the wanted chain, sets, elements and rules.</summary>
    InSync,

    /// <summary>The guard is off (or guards no gate) and there is no table: nothing to do.</summary>
    Off,

    /// <summary>The guard is on but the table does not exist.</summary>
    Missing,

    /// <summary>The table exists but its chains, sets, elements or rules differ from the wanted ones.</summary>
    Differs,

    /// <summary>The guard is off (or guards no gate) but the table still exists.</summary>
    Unwanted,
}

/// <summary>The guard's drift: its status and, when the table differs, which objects are missing or unexpected.</summary>
/// <param name="Status">How the table compares.</param>
/// <param name="Missing">Objects the table should have and lacks, for people ("element 203.0.113.9 in set sources_main").</param>
/// <param name="Unexpected">Objects the table has and should not.</param>
/// <param name="ElementsOnly">True when only set elements differ: apply then adds and deletes elements, nothing else.</param>
internal sealed record GuardDrift(GuardStatus Status, EquatableList<string> Missing, EquatableList<string> Unexpected, bool ElementsOnly = false)
{
    /// <summary>True when apply has nothing to do.</summary>
    public bool InSync => Status is GuardStatus.InSync or GuardStatus.Off;

    /// <summary>Compares the wanted table (null: no table wanted) with the observed one (null: no table).</summary>
    public static GuardDrift Compare(NfTableContents? wanted, NfTableContents? observed)
    {
        if (wanted is null)
        {
            return new(observed is null ? GuardStatus.Off : GuardStatus.Unwanted, EquatableList<string>.Empty, EquatableList<string>.Empty);
        }

        if (observed is null)
        {
            return new(GuardStatus.Missing, Objects(wanted).ToEquatableList(), EquatableList<string>.Empty);
        }

        var missing = new List<string>();
        var unexpected = new List<string>();
        if (wanted.Flags != observed.Flags)
        {
            missing.Add($"table flags {wanted.Flags}");
            unexpected.Add($"table flags {observed.Flags}");
        }

        Difference(wanted.Chains, observed.Chains, Describe, missing, unexpected);
        Difference(wanted.Sets.Select(s => s.Definition), observed.Sets.Select(s => s.Definition), s => $"set {s.Name}", missing, unexpected);
        var rulesInOrder = wanted.Rules.Count == observed.Rules.Count && wanted.Rules.Zip(observed.Rules).All(p => p.First.SameAs(p.Second));
        if (!rulesInOrder)
        {
            var wantedKeys = wanted.Rules.Select(Key).ToList();
            var observedKeys = observed.Rules.Select(Key).ToList();
            missing.AddRange(wanted.Rules.Where(r => !observedKeys.Remove(Key(r))).Select(r => r.ToString()));
            unexpected.AddRange(observed.Rules.Where(r => !wantedKeys.Remove(Key(r))).Select(r => r.ToString()));
        }

        var definitionsMatch = missing.Count == 0 && unexpected.Count == 0 && rulesInOrder;
        var elementsDiffer = false;
        foreach (var set in wanted.Sets)
        {
            var theirs = observed.Sets.FirstOrDefault(s => s.Definition == set.Definition);
            if (theirs is null)
            {
                continue;
            }

            var add = set.Elements.Except(theirs.Elements).Select(e => $"element {e} in set {set.Definition.Name}").ToList();
            var delete = theirs.Elements.Except(set.Elements).Select(e => $"element {e} in set {set.Definition.Name}").ToList();
            missing.AddRange(add);
            unexpected.AddRange(delete);
            elementsDiffer |= add.Count + delete.Count > 0;
        }

        if (definitionsMatch && !elementsDiffer)
        {
            return new(GuardStatus.InSync, EquatableList<string>.Empty, EquatableList<string>.Empty);
        }

        return new(GuardStatus.Differs, missing.ToEquatableList(), unexpected.ToEquatableList(), definitionsMatch);
    }

    /// <summary>What differs, for people.</summary>
    public string Describe() => Status switch
    {
        GuardStatus.InSync => $"table {GuardTable.Display} is in sync",
        GuardStatus.Off => $"guard is off and table {GuardTable.Display} does not exist",
        GuardStatus.Missing => $"table {GuardTable.Display} is missing ({Missing.Count(m => m.StartsWith("rule", StringComparison.Ordinal))} rules to add)",
        GuardStatus.Unwanted => $"table {GuardTable.Display} exists but host.guard is false or no gate is present",
        _ when Missing.Count == 0 && Unexpected.Count == 0 => $"table {GuardTable.Display} has the right rules in the wrong order",
        _ => $"table {GuardTable.Display} differs: "
            + string.Join("; ", Missing.Select(m => "missing " + m).Concat(Unexpected.Select(u => "unexpected " + u))),
    };

    private static IEnumerable<string> Objects(NfTableContents table) =>
        table.Chains.Select(Describe)
            .Concat(table.Sets.Select(s => $"set {s.Definition.Name}"))
            .Concat(table.Sets.SelectMany(s => s.Elements.Select(e => $"element {e} in set {s.Definition.Name}")))
            .Concat(table.Rules.Select(r => r.ToString()));

    private static string Describe(NfChain chain) => chain.Hook is null
        ? $"chain {chain.Name}"
        : $"chain {chain.Name} (type {chain.Type} hook {chain.Hook} priority {chain.Priority} policy {chain.Policy})";

    private static string Key(NfRule rule) => $"{rule.Chain}\n{rule.Comment}\n{rule.Text}";

    private static void Difference<T>(IEnumerable<T> wanted, IEnumerable<T> observed, Func<T, string> describe, List<string> missing, List<string> unexpected)
    {
        var (w, o) = (wanted.ToList(), observed.ToList());
        missing.AddRange(w.Except(o).Select(describe));
        unexpected.AddRange(o.Except(w).Select(describe));
    }
}
