using Gate.NetlinkCtl.Rendering;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Tests.Rendering;

/// <summary><c>sourcePorts: any</c> (an adopted vendor gate) rendered for networkd: no PortRange, so the kernel chooses as before.</summary>
public sealed class UnpinnedSourcePortsRenderingTests
{
    [Fact]
    public void A_gate_with_any_source_ports_renders_a_netdev_without_port_range_and_a_pinned_one_with_it()
    {
        var state = SampleStates.ThreeGates();
        var unpinned = state with { Gates = state.Gates.Select(g => g with { SourcePorts = PortRange.Any }).ToEquatableList() };

        var any = StateRenderer.Default.Render(unpinned, RenderFormat.Networkd, "state.yaml").Where(f => f.RelativePath.EndsWith(".netdev", StringComparison.Ordinal)).ToList();
        var pinned = StateRenderer.Default.Render(state, RenderFormat.Networkd, "state.yaml").Where(f => f.RelativePath.EndsWith(".netdev", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(any);
        Assert.All(any, f => Assert.DoesNotContain("PortRange=", f.Content, StringComparison.Ordinal));
        Assert.All(pinned, f => Assert.Contains("PortRange=", f.Content, StringComparison.Ordinal));
    }
}
