using System.Net;
using System.Runtime.CompilerServices;
using Gate.NetlinkCtl.Rendering;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Tests.Rendering;

/// <summary>The renderer's rules for templates, exercised with small templates of the test's own.</summary>
public sealed class StateRendererTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatectl-templates-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private StateRenderer WithTemplate(string name, string text, RenderFormat format = RenderFormat.Networkd)
    {
        var folder = Path.Combine(_dir, format.ToName());
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, name), text);
        return new StateRenderer(TemplateSource.FromDirectory(_dir));
    }

    private static IReadOnlyList<RenderedFile> Render(StateRenderer renderer, RenderFormat format = RenderFormat.Networkd) =>
        renderer.Render(SampleStates.ThreeGates(), format, "state.yaml");

    [Fact]
    public void A_templates_directory_replaces_the_built_in_templates()
    {
        var renderer = WithTemplate("names.sbn", """
            +++
            each = "gate"
            output = "{{ gate.name }}.txt"
            +++
            {{ gate.interface }} carries VNI {{ gate.vni }}

            """);

        var files = Render(renderer);

        Assert.Equal(["main.txt", "lab.txt"], files.Select(f => f.RelativePath));
        Assert.Equal("vxlan0 carries VNI 10\n", files[0].Content);
    }

    [Fact]
    public void A_host_template_renders_once_and_sees_every_gate()
    {
        var renderer = WithTemplate("all.sbn", """
            +++
            each = "host"
            output = "all.txt"
            +++
            {{ for g in gates }}{{ g.name }}={{ g.present }};{{ end }}
            """);

        var files = Render(renderer);

        Assert.Equal("all.txt", Assert.Single(files).RelativePath);
        Assert.Equal("main=true;lab=true;old=false;", files[0].Content);
    }

    [Fact]
    public void Output_that_is_only_whitespace_writes_no_file()
    {
        var renderer = WithTemplate("some.sbn", """
            +++
            each = "gate"
            output = "{{ gate.name }}.conf"
            +++
            {{ if gate.learning }}learning{{ end }}
            """);

        Assert.Equal(["lab.conf"], Render(renderer).Select(f => f.RelativePath));
    }

    [Fact]
    public void A_misspelt_member_is_an_error_that_names_the_template_and_line()
    {
        var renderer = WithTemplate("typo.sbn", """
            +++
            each = "gate"
            output = "x-{{ gate.name }}"
            +++
            Name={{ gate.interfce }}
            """);

        var error = Assert.Throws<TemplateException>(() => Render(renderer));

        Assert.Contains("typo.sbn", error.Message, StringComparison.Ordinal);
        Assert.Contains("(5,", error.Message, StringComparison.Ordinal);
        Assert.Contains("interfce", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_cannot_change_the_model()
    {
        var renderer = WithTemplate("write.sbn", """
            +++
            each = "gate"
            output = "{{ gate.name }}"
            +++
            {{ gate.name = "other" }}
            """);

        var error = Assert.Throws<TemplateException>(() => Render(renderer));
        Assert.Contains("write.sbn", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_without_front_matter_is_refused_with_what_to_add()
    {
        var renderer = WithTemplate("bare.sbn", "Name={{ gate.interface }}\n");

        var error = Assert.Throws<TemplateException>(() => Render(renderer));

        Assert.Contains("bare.sbn: missing front matter", error.Message, StringComparison.Ordinal);
        Assert.Contains("each", error.Message, StringComparison.Ordinal);
        Assert.Contains("output", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../escape.conf")]
    [InlineData("/etc/escape.conf")]
    [InlineData("a/./b.conf")]
    public void An_output_path_outside_the_output_directory_is_refused(string output)
    {
        var renderer = WithTemplate("escape.sbn", $"""
            +++
            each = "host"
            output = "{output}"
            +++
            x
            """);

        var error = Assert.Throws<TemplateException>(() => Render(renderer));
        Assert.Contains("must be a relative path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_gates_rendering_to_one_file_name_is_an_error()
    {
        var renderer = WithTemplate("same.sbn", """
            +++
            each = "gate"
            output = "same.conf"
            +++
            {{ gate.name }}
            """);

        var error = Assert.Throws<TemplateException>(() => Render(renderer));
        Assert.Contains("'same.conf' is produced twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_without_the_formats_folder_is_an_error_that_explains_the_layout()
    {
        var renderer = new StateRenderer(TemplateSource.FromDirectory(_dir));

        var error = Assert.Throws<TemplateException>(() => Render(renderer, RenderFormat.Iproute2));
        Assert.Contains("one folder per format", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RenderFormat.Networkd)]
    [InlineData(RenderFormat.NmKeyfile)]
    [InlineData(RenderFormat.Iproute2)]
    [InlineData(RenderFormat.Nftables)]
    public void The_repository_templates_directory_renders_exactly_as_the_embedded_templates(RenderFormat format)
    {
        var fromDirectory = new StateRenderer(TemplateSource.FromDirectory(RepositoryTemplates()));

        var expected = StateRenderer.Default.Render(SampleStates.ThreeGates(), format, "state.yaml");
        var actual = fromDirectory.Render(SampleStates.ThreeGates(), format, "state.yaml");

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Thousands_of_flood_destinations_render_without_a_loop_limit()
    {
        var many = Enumerable.Range(0, 3000).Select(i => new IPAddress([198, 51, (byte)(i / 250), (byte)(1 + (i % 250))])).ToEquatableList();
        var state = SampleStates.ThreeGates() is var s
            ? s with { Gates = new EquatableList<GateSpec>([s.Gates[0] with { Endpoints = many, Peers = EquatableList<PeerSpec>.Empty }]) }
            : s;

        var script = Assert.Single(StateRenderer.Default.Render(state, RenderFormat.Iproute2, "state.yaml"));

        Assert.Equal(3000, script.Content.Split('\n').Count(l => l.StartsWith("bridge fdb append", StringComparison.Ordinal)));
    }

    private static string RepositoryTemplates([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "templates"));
}
