using System.Text;

namespace Gate.NetlinkCtl.State;

/// <summary>
/// Writes the key tables of docs/state-schema.md from <see cref="StateKeys"/>, so the doc cannot drift from what the
/// loader accepts. The prose around the tables stays hand-written; <c>gatectl schema --markdown</c> prints the tables
/// and <c>--update FILE</c> rewrites them in place.
/// </summary>
internal static class StateSchemaDoc
{
    private const string TableHead = "| key | type | default | rule |\n| --- | --- | --- | --- |\n";

    /// <summary>Every documented block's heading and key table, in the order the blocks nest.</summary>
    public static string Tables()
    {
        var text = new StringBuilder();
        foreach (var block in StateKeys.Blocks.Where(b => b.Heading is not null))
        {
            text.Append(block.Heading).Append("\n\n").Append(Table(block)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// <paramref name="doc"/> with the table under each block's heading replaced by the generated one: equal to the
    /// input when the doc is up to date.
    /// </summary>
    /// <remarks>A section without a table (a new block's) gets its table at the end of the section.</remarks>
    /// <exception cref="InvalidOperationException">The doc lacks a block's heading.</exception>
    public static string UpdateTables(string doc)
    {
        doc = doc.ReplaceLineEndings("\n");
        foreach (var block in StateKeys.Blocks.Where(b => b.Heading is not null))
        {
            var heading = doc.IndexOf("\n" + block.Heading + "\n", StringComparison.Ordinal);
            if (heading < 0)
            {
                throw new InvalidOperationException($"the schema doc has no heading '{block.Heading}'; add it with the section's prose, then update the tables");
            }

            var start = doc.IndexOf("\n" + TableHead, heading + 1, StringComparison.Ordinal);
            var nextHeading = NextHeading(doc, heading + block.Heading!.Length + 2);
            if (start < 0 || (nextHeading >= 0 && start > nextHeading))
            {
                // A new block's section: its table goes at the end, after the prose.
                var sectionEnd = nextHeading < 0 ? doc.Length : nextHeading + 1;
                doc = doc[..sectionEnd] + Table(block) + "\n" + doc[sectionEnd..];
                continue;
            }

            start++;
            var end = start;
            while (end < doc.Length && doc[end] == '|')
            {
                var lineEnd = doc.IndexOf('\n', end);
                end = lineEnd < 0 ? doc.Length : lineEnd + 1;
            }

            doc = doc[..start] + Table(block) + doc[end..];
        }

        return doc;
    }

    // The next "## " or "### " heading at or after from, or -1 (a "#" line inside a code block is not one).
    private static int NextHeading(string doc, int from)
    {
        var second = doc.IndexOf("\n## ", from, StringComparison.Ordinal);
        var third = doc.IndexOf("\n### ", from, StringComparison.Ordinal);
        return second < 0 ? third : third < 0 ? second : Math.Min(second, third);
    }

    internal static string Table(SchemaBlock block)
    {
        var table = new StringBuilder(TableHead);
        foreach (var key in block.Keys)
        {
            table.Append($"| `{key.Name}` | {Cell(key.Type)} | {Cell(key.Default)} | {Cell(key.Rule)} |\n");
        }

        return table.ToString();
    }

    // A bar inside a cell would end it.
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
