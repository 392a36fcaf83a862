using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Reference;

/// <summary><c>gatectl schema --markdown</c> writes docs/state-schema.md's key tables from the schema the loader reads.</summary>
public sealed class SchemaCommandTests
{
    [Fact]
    public void It_prints_each_blocks_heading_and_key_table()
    {
        var (exit, stdout, _) = Run("schema", "--markdown");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("## `gates[]`\n\n| key | type | default | rule |\n| --- | --- | --- | --- |\n| `name` | string | required |", stdout, StringComparison.Ordinal);
        Assert.Contains("| `backend` | `auto` \\| `netlink` \\| `iproute2` \\| `networkmanager` | `auto` |", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_puts_a_stale_table_back_and_keeps_the_prose()
    {
        var doc = File.ReadAllText(SourceTree.PathOf("docs", "state-schema.md")).ReplaceLineEndings("\n");
        var directory = Directory.CreateTempSubdirectory("gct-schema-").FullName;
        try
        {
            var file = Path.Combine(directory, "state-schema.md");
            File.WriteAllText(file, doc.Replace("| `probe` | list of IPv4 |", "| `probe` | list of IPv6 |", StringComparison.Ordinal)
                .Replace("| `mtu` | integer | none |", "| `mtu` | integer | 1500 |", StringComparison.Ordinal));

            var (exit, _, stderr) = Run("schema", "--markdown", "--update", file);

            Assert.True(exit == ExitCodes.Ok, stderr);
            Assert.Equal(doc, File.ReadAllText(file));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Update_refuses_a_doc_without_a_blocks_heading_and_leaves_it_alone()
    {
        var directory = Directory.CreateTempSubdirectory("gct-schema-").FullName;
        try
        {
            var file = Path.Combine(directory, "state-schema.md");
            const string Doc = "# The state file\n\n## Top level\n\n| key | type | default | rule |\n| --- | --- | --- | --- |\n";
            File.WriteAllText(file, Doc);

            var (exit, _, stderr) = Run("schema", "--markdown", "--update", file);

            Assert.Equal(ExitCodes.Error, exit);
            Assert.Contains("the schema doc has no heading '## `host`'", stderr, StringComparison.Ordinal);
            Assert.Equal(Doc, File.ReadAllText(file));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void The_schema_verb_stays_out_of_help()
    {
        var (_, help, _) = Run("--help");

        Assert.DoesNotContain("  schema ", help, StringComparison.Ordinal);
    }

    private static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = GatectlCli.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
