using Gate.NetlinkCtl.Rendering;

namespace Gate.NetlinkCtl.Tests.Rendering;

public sealed class GoldenRenderingTests
{
    [Theory]
    [InlineData(RenderFormat.Networkd)]
    [InlineData(RenderFormat.NmKeyfile)]
    [InlineData(RenderFormat.Iproute2)]
    [InlineData(RenderFormat.Nftables)]
    public void The_shipped_templates_render_the_sample_state_as_the_reviewed_golden_files(RenderFormat format)
    {
        var files = StateRenderer.Default.Render(SampleStates.ThreeGates(), format, "state.yaml");
        if (GoldenFiles.Updating)
        {
            GoldenFiles.Write(format, files);
        }

        var golden = GoldenFiles.Read(format);
        Assert.Equal(golden.Keys.Order(StringComparer.Ordinal), files.Select(f => f.RelativePath).Order(StringComparer.Ordinal));
        foreach (var file in files)
        {
            Assert.Equal(golden[file.RelativePath], file.Content);
        }
    }
}
