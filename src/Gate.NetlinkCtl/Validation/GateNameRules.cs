using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Validation;

/// <summary>
/// Gate names: they become the ifalias <c>gatectl:&lt;name&gt;</c> (ownership mark, at most 127 bytes)
/// and the NetworkManager id <c>gatectl-&lt;name&gt;</c>, so they stay short and plain.
/// </summary>
internal sealed class GateNameRules : IStateRule
{
    public void Check(DesiredState state, RuleContext context)
    {
        for (var i = 0; i < state.Gates.Count; i++)
        {
            var name = state.Gates[i].Name;
            var path = StatePath.Key(StatePath.Gate(i), "name");
            if (name.Length == 0)
            {
                context.Report(path, "the name is empty; expected 1..64 characters from A-Z a-z 0-9 _ . -");
            }
            else if (name.Length > StateLimits.MaxGateName)
            {
                context.Report(path, $"the name has {name.Length} characters; expected at most {StateLimits.MaxGateName}");
            }
            else if (!name.All(SafeNames.IsSafeChar))
            {
                context.Report(path, $"{StateText.Quote(name)} has characters outside A-Z a-z 0-9 _ . -; expected a name such as soracom-prod");
            }
        }
    }
}

/// <summary>The character set shared by gate and interface names.</summary>
internal static class SafeNames
{
    /// <summary>True for A-Z, a-z, 0-9, '_', '.', '-'.</summary>
    public static bool IsSafeChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-';
}
