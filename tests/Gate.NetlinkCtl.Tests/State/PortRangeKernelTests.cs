using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Tests.State;

public class PortRangeKernelTests
{
    [Theory]
    [InlineData(4789, 4789, 4789, 4790)]
    [InlineData(1000, 2000, 1000, 2001)]
    [InlineData(0, 0, 0, 0)]
    public void The_kernel_gets_the_last_port_plus_one(ushort low, ushort high, ushort min, ushort max) =>
        Assert.Equal((min, max), new PortRange(low, high).ToKernel());

    [Theory]
    [InlineData(4789, 4790, 4789, 4789)]
    [InlineData(1000, 2000, 1000, 1999)]
    [InlineData(4789, 4789, 0, 0)]
    [InlineData(0, 0, 0, 0)]
    public void A_kernel_range_reads_back_inclusive_and_min_at_or_above_max_pins_nothing(ushort min, ushort max, ushort low, ushort high) =>
        Assert.Equal(new PortRange(low, high), PortRange.FromKernel(min, max));
}
