using Gate.NetlinkCtl.Daemon;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Daemon;

/// <summary>State files the daemon tests write, so each test class does not carry its own copy.</summary>
internal static class DaemonStateFiles
{
    /// <summary>One valid gate, <c>lab</c> on <c>vxlab0</c>, with one endpoint.</summary>
    public static readonly string Lab = StateYaml.Of(new GateYaml { Endpoints = ["198.51.100.4"] }).ToString();

    /// <summary>Waits (20 s at most) for the daemon's status file to satisfy <paramref name="condition"/>.</summary>
    public static async Task<DaemonStatus> WaitForStatusAsync(string statusPath, Func<DaemonStatus, bool> condition) =>
        await Poll.ForAsync(() => StatusFile.Read(statusPath), condition, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(20))
            ?? throw new Xunit.Sdk.XunitException("the daemon did not get there within 20 s");
}
