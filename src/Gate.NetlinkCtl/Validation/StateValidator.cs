using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Validation;

/// <summary>
/// Checks the rules between the values of a loaded state (ranges, names, subnets, repeats, conflicts
/// between gates) and reports every broken rule at the line:column of the field it is about.
/// </summary>
internal static class StateValidator
{
    private static readonly IStateRule[] Rules =
    [
        new HostRules(),
        new GateNameRules(),
        new InterfaceNameRules(),
        new NumberRangeRules(),
        new AddressingRules(),
        new FloodListRules(),
        new RouteRules(),
        new CrossGateRules(),
        new SoracomRules(),
        new HaRules(),
        new RoutingRules(),
        new HealthRules(),
    ];

    /// <summary>Every rule <paramref name="state"/> breaks, ordered by position; empty when it is valid.</summary>
    /// <param name="state">The state, as loaded or as built in code.</param>
    /// <param name="map">Where its fields sit (from the loader), or <c>new StateSourceMap(name)</c> for a state built in code.</param>
    public static IReadOnlyList<StateError> Validate(DesiredState state, StateSourceMap map)
    {
        var context = new RuleContext(map);
        foreach (var rule in Rules)
        {
            rule.Check(state, context);
        }

        return context.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList();
    }
}

/// <summary>One family of rules.</summary>
internal interface IStateRule
{
    /// <summary>Reports each broken rule to <paramref name="context"/>.</summary>
    void Check(DesiredState state, RuleContext context);
}

/// <summary>Collects rule errors, locating each one and dropping those about fields the loader could not read.</summary>
internal sealed class RuleContext(StateSourceMap map)
{
    public List<StateError> Errors { get; } = [];

    /// <summary>
    /// Reports <paramref name="message"/> at <paramref name="path"/>, unless it or one of the
    /// <paramref name="involved"/> fields was already reported unreadable (its value is a placeholder).
    /// </summary>
    public void Report(string path, string message, params string[] involved)
    {
        if (map.IsBroken(path) || involved.Any(map.IsBroken))
        {
            return;
        }

        Errors.Add(map.ErrorAt(path, message));
    }

    /// <summary>True when the loader could read <paramref name="path"/>.</summary>
    public bool IsReadable(string path) => !map.IsBroken(path);
}
