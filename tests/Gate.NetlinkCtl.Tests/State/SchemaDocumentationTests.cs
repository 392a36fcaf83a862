using System.Text.RegularExpressions;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.State;

/// <summary>
/// The loader's key lists are what gatectl accepts; docs/state-schema.md and the Ansible role's template restate them.
/// These tests fail when a key is added to one and not the others.
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
        { "### `ha`", HaYaml.Keys },
        { "### `routing`", RoutingYaml.Keys },
        { "### `gateway`", GatewayYaml.Keys },
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
