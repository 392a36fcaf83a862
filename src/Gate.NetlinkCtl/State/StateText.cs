using System.Globalization;
using System.Text;

namespace Gate.NetlinkCtl.State;

/// <summary>
/// How an error message shows a value taken from the state file: quoted, with control characters escaped (so a
/// hostile file cannot move the cursor or forge extra lines on the terminal that prints the error) and cut short
/// when long (so a megabyte value makes a one-line error).
/// </summary>
internal static class StateText
{
    /// <summary>The most characters of a value an error message shows.</summary>
    public const int MaxShown = 64;

    /// <summary>The value in single quotes, printable and at most about <see cref="MaxShown"/> characters.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var cut = value.Length > MaxShown;
        var shown = cut ? value[..(char.IsHighSurrogate(value[MaxShown - 1]) ? MaxShown - 1 : MaxShown)] : value;
        var builder = new StringBuilder(shown.Length + 32).Append('\'');
        foreach (var c in shown)
        {
            _ = c switch
            {
                '\n' => builder.Append("\\n"),
                '\r' => builder.Append("\\r"),
                '\t' => builder.Append("\\t"),
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' => builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => builder.Append(c),
            };
        }

        builder.Append('\'');
        if (cut)
        {
            builder.Append("... (").Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(" characters)");
        }

        return builder.ToString();
    }
}
