using System.Globalization;

namespace Gate.NetlinkCtl.State;

/// <summary>Reads and writes durations as a whole number with one unit: <c>30s</c>, <c>5m</c>, <c>1h</c>.</summary>
internal static class DurationText
{
    /// <summary>Reads <c>&lt;digits&gt;s|m|h</c>.</summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        if (text.Length < 2
            || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            || amount > 1_000_000)
        {
            return false;
        }

        switch (text[^1])
        {
            case 's': value = TimeSpan.FromSeconds(amount); return true;
            case 'm': value = TimeSpan.FromMinutes(amount); return true;
            case 'h': value = TimeSpan.FromHours(amount); return true;
            default: return false;
        }
    }

    /// <summary>Writes the largest unit that represents <paramref name="value"/> exactly (sub-second parts are dropped).</summary>
    public static string Format(TimeSpan value)
    {
        var seconds = (long)value.TotalSeconds;
        if (seconds != 0 && seconds % 3600 == 0)
        {
            return $"{seconds / 3600}h";
        }

        return seconds != 0 && seconds % 60 == 0 ? $"{seconds / 60}m" : $"{seconds}s";
    }
}
