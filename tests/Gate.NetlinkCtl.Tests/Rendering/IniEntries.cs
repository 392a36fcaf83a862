namespace Gate.NetlinkCtl.Tests.Rendering;

/// <summary>One <c>key=value</c> line of an INI-style file (systemd units, NetworkManager keyfiles), with its section.</summary>
internal sealed record IniEntry(string Section, string Key, string Value)
{
    /// <summary>Reads every entry, skipping blank lines and <c>#</c>/<c>;</c> comments.</summary>
    public static IReadOnlyList<IniEntry> Parse(string text)
    {
        var entries = new List<IniEntry>();
        var section = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[')
            {
                section = line.Trim('[', ']');
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            Assert.True(equals > 0, $"not a key=value line: '{line}'");
            entries.Add(new IniEntry(section, line[..equals], line[(equals + 1)..]));
        }

        return entries;
    }
}
