namespace Gate.NetlinkCtl.Demo;

/// <summary>One proof the demo ran, as its report prints it.</summary>
/// <param name="Direction">Which way the traffic went: <c>device → cloud</c>, <c>cloud → device</c>, <c>underlay</c>, <c>mtu</c>.</param>
/// <param name="Path">Who talked to whom.</param>
/// <param name="What">The probe and what it found (ping 3/3, TCP echo 64 KiB, ...).</param>
/// <param name="Passed">Whether the proof held.</param>
/// <param name="Latency">The round trip it measured, when it measures one.</param>
internal sealed record DemoCheck(string Direction, string Path, string What, bool Passed, TimeSpan? Latency);
