using System.Text;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Validation;

/// <summary>
/// Interface names (<c>interface</c>, <c>underlay</c>): Linux allows 1..15 bytes without '/', ':' or
/// whitespace, and not "." or ".."; gatectl narrows that to A-Z a-z 0-9 _ . - so names are safe everywhere.
/// </summary>
internal sealed class InterfaceNameRules : IStateRule
{
    public void Check(DesiredState state, RuleContext context)
    {
        for (var i = 0; i < state.Gates.Count; i++)
        {
            var gate = state.Gates[i];
            var gatePath = StatePath.Gate(i);
            CheckName(gate.Interface, StatePath.Key(gatePath, "interface"), context);
            CheckName(gate.Underlay, StatePath.Key(gatePath, "underlay"), context);
            if (gate.Interface.Length > 0 && gate.Interface == gate.Underlay)
            {
                context.Report(StatePath.Key(gatePath, "underlay"),
                    $"{StateText.Quote(gate.Underlay)} is the gate's own interface; expected the device that carries the tunnel, such as eth0",
                    StatePath.Key(gatePath, "interface"));
            }
        }
    }

    private static void CheckName(string name, string path, RuleContext context)
    {
        const string Expected = "expected 1..15 characters from A-Z a-z 0-9 _ . - (not '.' or '..')";
        if (name.Length == 0)
        {
            context.Report(path, $"the interface name is empty; {Expected}");
        }
        else if (name.Length > StateLimits.MaxInterfaceName)
        {
            context.Report(path, $"{StateText.Quote(name)} has {name.Length} characters; Linux allows at most {StateLimits.MaxInterfaceName}");
        }
        else if (name is "." or "..")
        {
            context.Report(path, $"{StateText.Quote(name)} is not a valid interface name; {Expected}");
        }
        else if (!name.All(SafeNames.IsSafeChar))
        {
            var bad = name.EnumerateRunes().First(r => !r.IsBmp || !SafeNames.IsSafeChar((char)r.Value));
            var shown = Rune.IsWhiteSpace(bad) ? "whitespace"
                : Rune.IsControl(bad) ? $"the control character U+{bad.Value:X4}"
                : $"'{bad}'";
            context.Report(path, $"{StateText.Quote(name)} contains {shown}; {Expected}");
        }
        else if (name[0] == '-')
        {
            context.Report(path, $"{StateText.Quote(name)} starts with '-', which ip and bridge would read as an option; expected a name starting with a letter, a digit or '_'");
        }
    }
}
