using System.Text.RegularExpressions;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;
using YamlDotNet.RepresentationModel;

namespace Gate.NetlinkCtl.Tests.State;

/// <summary>
/// <see cref="StateKeys"/> declares what gatectl accepts; docs/state-schema.md's key tables are generated from it, and
/// the Ansible role's template and argument_specs restate it. These tests fail when a key is added to one and not the others.
/// </summary>
public sealed partial class SchemaDocumentationTests
{
    // Keys the role does not write into the state it renders, each with the reason.
    private static readonly Dictionary<string, string> NotFromTheRole = new(StringComparer.Ordinal)
    {
        // The unit's StateDirectory=gatectl is the one writable place for it, so the role keeps the default.
        ["host.stateDirectory"] = "the default is the unit's StateDirectory",
    };

    public static TheoryData<string, string[]> Sections() => new()
    {
        { "## Top level", StateLoader.RootKeys },
        { "## `host`", StateLoader.HostKeys },
        { "## `gates[]`", StateLoader.GateKeys },
        { "### `peers[]`", StateLoader.PeerKeys },
        { "### `routes[]`", StateLoader.RouteKeys },
        { "### `soracom`", StateLoader.SoracomKeys },
        { "### `ha`", StateKeys.Ha.Block.Names },
        { "### `routing`", StateKeys.Routing.Block.Names },
        { "### `gateway`", StateKeys.Gateway.Block.Names },
        { "### `health`", StateKeys.Health.Block.Names },
    };

    [Theory]
    [MemberData(nameof(Sections))]
    public void Every_key_the_loader_accepts_is_a_row_of_its_section_in_the_schema_doc_and_no_other(string heading, string[] keys)
    {
        var documented = TableKeys(Section(heading));

        Assert.Equal(keys.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Both_credential_sources_are_documented_in_the_soracom_section()
    {
        var soracom = Section("### `soracom`");

        Assert.All(StateLoader.CredentialKeys, key => Assert.Contains($"`{key}: ", soracom, StringComparison.Ordinal));
    }

    [Fact]
    public void The_roles_state_template_writes_every_gate_and_host_key()
    {
        var template = File.ReadAllText(SourceTree.PathOf("ansible", "roles", "gatectl", "templates", "state.yaml.j2"));
        var missing = StateLoader.GateKeys.Select(k => (Path: "gates." + k, Written: template.Contains($"gate.{k}", StringComparison.Ordinal)))
            .Concat(StateLoader.HostKeys.Select(k => (Path: "host." + k, Written: template.Contains($"'{k}'", StringComparison.Ordinal))))
            .Where(k => !k.Written && !NotFromTheRole.ContainsKey(k.Path))
            .Select(k => k.Path);

        Assert.Empty(missing);
    }

    [Fact]
    public void The_key_tables_of_the_schema_doc_are_the_ones_the_description_generates()
    {
        var doc = File.ReadAllText(SourceTree.PathOf("docs", "state-schema.md")).ReplaceLineEndings("\n");

        // On a difference: gatectl schema --markdown --update docs/state-schema.md
        Assert.Equal(StateSchemaDoc.UpdateTables(doc), doc);
    }

    [Fact]
    public void A_section_without_its_table_gets_it_generated_after_its_prose()
    {
        var doc = File.ReadAllText(SourceTree.PathOf("docs", "state-schema.md")).ReplaceLineEndings("\n");
        var table = StateSchemaDoc.Table(StateKeys.Ha.Block) + "\n";
        Assert.Contains(table + "### `routing`", doc, StringComparison.Ordinal);

        Assert.Equal(doc, StateSchemaDoc.UpdateTables(doc.Replace(table, string.Empty, StringComparison.Ordinal)));
    }

    [Fact]
    public void The_described_blocks_with_a_table_are_the_sections_checked_here()
    {
        var checkedHere = Sections().Select(row => row.Data.Item1);

        Assert.Equal(checkedHere.Order(StringComparer.Ordinal), StateKeys.Blocks.Select(b => b.Heading).OfType<string>().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_documented_block_has_its_section_in_the_schema_doc()
    {
        var tables = StateSchemaDoc.Tables();

        Assert.All(StateKeys.Blocks.Where(b => b.Heading is not null), block =>
        {
            Assert.Contains(block.Heading + "\n", tables, StringComparison.Ordinal);
            Assert.NotEmpty(Section(block.Heading!));
        });
    }

    [Fact]
    public void The_roles_state_template_writes_every_key_of_the_nested_blocks()
    {
        var template = File.ReadAllText(SourceTree.PathOf("ansible", "roles", "gatectl", "templates", "state.yaml.j2"));
        var missing = NestedKeys(StateKeys.Gate.Block, "gates")
            .Where(k => !NotFromTheRole.ContainsKey(k.Path))
            .Where(k => !Regex.IsMatch(template, $@"^\s*(- )?{k.Key}:( |$)|'{k.Key}'", RegexOptions.Multiline))
            .Select(k => k.Path);

        Assert.Empty(missing);
    }

    [Fact]
    public void The_roles_argument_specs_declare_every_host_and_gate_key()
    {
        var meta = new YamlStream();
        meta.Load(new StringReader(File.ReadAllText(SourceTree.PathOf("ansible", "roles", "gatectl", "meta", "main.yml"))));
        var options = Options((YamlMappingNode)meta.Documents[0].RootNode["argument_specs"]["main"]);

        var missing = Undeclared(StateKeys.Host.Block, "host", Options((YamlMappingNode)options["gatectl_host"]))
            .Concat(Undeclared(StateKeys.Gate.Block, "gates", Options((YamlMappingNode)options["gatectl_gates"])))
            .Where(path => !NotFromTheRole.ContainsKey(path));

        Assert.Empty(missing);
    }

    // The keys under each nested block or list of mappings of a gate, with their dotted paths.
    private static IEnumerable<(string Key, string Path)> NestedKeys(SchemaBlock block, string path) =>
        block.Keys.SelectMany(key => key switch
        {
            BlockKey nested => nested.Block.Keys.Select(k => (k.Name, $"{path}.{key.Name}.{k.Name}")).Concat(NestedKeys(nested.Block, $"{path}.{key.Name}")),
            MappingListKey list => list.Items.Keys.Select(k => (k.Name, $"{path}.{key.Name}.{k.Name}")),
            _ => [],
        }).Distinct();

    // The keys of a block (and of its nested blocks) that the argument_specs options do not declare, as dotted paths.
    private static IEnumerable<string> Undeclared(SchemaBlock block, string path, YamlMappingNode options) =>
        block.Keys.SelectMany(key =>
        {
            var keyPath = $"{path}.{key.Name}";
            if (!options.Children.TryGetValue(new YamlScalarNode(key.Name), out var option))
            {
                return [keyPath];
            }

            var nested = key switch
            {
                BlockKey b => b.Block,
                MappingListKey l => l.Items,
                _ => null,
            };
            return nested is null ? [] : Undeclared(nested, keyPath, Options((YamlMappingNode)option));
        });

    private static YamlMappingNode Options(YamlMappingNode spec) =>
        spec.Children.TryGetValue(new YamlScalarNode("options"), out var options) ? (YamlMappingNode)options : new YamlMappingNode();

    private static string Section(string heading)
    {
        var doc = File.ReadAllText(SourceTree.PathOf("docs", "state-schema.md"));
        var start = doc.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/state-schema.md has no heading '{heading}'");
        var next = NextHeading().Match(doc, start + heading.Length + 2);
        return next.Success ? doc[start..next.Index] : doc[start..];
    }

    private static IEnumerable<string> TableKeys(string section) =>
        KeyRow().Matches(section).Select(m => m.Groups["key"].Value);

    [GeneratedRegex(@"^#{2,3} ", RegexOptions.Multiline)]
    private static partial Regex NextHeading();

    [GeneratedRegex(@"^\| `(?<key>[A-Za-z]+)` \|", RegexOptions.Multiline)]
    private static partial Regex KeyRow();
}
