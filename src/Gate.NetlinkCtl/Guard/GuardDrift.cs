using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Guard;

/// <summary>How gatectl's nftables table compares with what the state asks for.</summary>
public enum GuardStatus
{
    /// <summary>The table holds exactly the rendered rules.</summary>
    InSync,

    /// <summary>The guard is off (or guards no gate) and there is no table: nothing to do.</summary>
    Off,

    /// <summary>The guard is on but the table does not exist.</summary>
    Missing,

    /// <summary>The table exists but its chains, sets or rules differ from the rendered ones.</summary>
    Differs,

    /// <summary>The guard is off (or guards no gate) but the table still exists.</summary>
    Unwanted,
}

/// <summary>The guard's drift: its status and, when the table differs, which objects are missing or unexpected.</summary>
/// <param name="Status">How the table compares.</param>
/// <param name="Missing">Canonical objects the table should have and lacks.</param>
/// <param name="Unexpected">Canonical objects the table has and should not.</param>
public sealed record GuardDrift(GuardStatus Status, EquatableList<string> Missing, EquatableList<string> Unexpected)
{
    /// <summary>True when apply has nothing to do.</summary>
    public bool InSync => Status is GuardStatus.InSync or GuardStatus.Off;

    /// <summary>Compares the wanted ruleset (null: no table wanted) with the observed one (null: no table).</summary>
    public static GuardDrift Compare(GuardRuleset? wanted, GuardRuleset? observed)
    {
        if (wanted is null)
        {
            return new(observed is null ? GuardStatus.Off : GuardStatus.Unwanted, EquatableList<string>.Empty, EquatableList<string>.Empty);
        }

        if (observed is null)
        {
            return new(GuardStatus.Missing, wanted.Objects, EquatableList<string>.Empty);
        }

        if (wanted == observed)
        {
            return new(GuardStatus.InSync, EquatableList<string>.Empty, EquatableList<string>.Empty);
        }

        return new(
            GuardStatus.Differs,
            wanted.Objects.Except(observed.Objects).ToEquatableList(),
            observed.Objects.Except(wanted.Objects).ToEquatableList());
    }

    /// <summary>What differs, for people.</summary>
    public string Describe() => Status switch
    {
        GuardStatus.InSync => $"table {GuardTable.Display} is in sync",
        GuardStatus.Off => $"guard is off and table {GuardTable.Display} does not exist",
        GuardStatus.Missing => $"table {GuardTable.Display} is missing ({Missing.Count(IsRule)} rules to load)",
        GuardStatus.Unwanted => $"table {GuardTable.Display} exists but host.guard is false or no gate is present",
        _ when Missing.Count == 0 && Unexpected.Count == 0 => $"table {GuardTable.Display} has the right rules in the wrong order",
        _ => $"table {GuardTable.Display} differs: "
            + string.Join("; ", Missing.Select(m => "missing " + GuardRuleset.Describe(m))
                .Concat(Unexpected.Select(u => "unexpected " + GuardRuleset.Describe(u)))),
    };

    private static bool IsRule(string canonical) => canonical.StartsWith("{\"rule\"", StringComparison.Ordinal);
}
