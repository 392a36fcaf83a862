using Gate.NetlinkCtl.Cli.Tests.Daemon;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Reliability;

/// <summary>
/// The underlay misbehaves under a running daemon: its link flaps, then it is deleted (which takes the VXLAN device
/// with it, in the kernel) and made again. The gate comes back in sync each time, and the foreign objects stay.
/// </summary>
public sealed class UnderlayFaultTests
{
    private static string State(RunningDaemon d) => RunningDaemon.LabState(d, backend: "auto");

    [Fact]
    public async Task The_gate_recovers_from_underlay_flaps_and_from_the_underlay_being_deleted_and_made_again()
    {
        await using var d = await RunningDaemon.CreateAsync(State);
        var foreign = await ForeignObjects.AddAsync(d.Namespace);
        await d.StartAsync();
        await d.WaitUntilAsync(() => InSyncAsync(d), "the first apply");

        for (var flap = 0; flap < 3; flap++)
        {
            await d.Namespace.IpAsync("link", "set", "u0", "down");
            await d.Namespace.IpAsync("link", "set", "u0", "up");
        }

        await d.WaitUntilAsync(() => InSyncAsync(d), "the gate in sync after three underlay flaps");
        await foreign.AssertIntactAsync("after the underlay flapped");

        await d.Namespace.IpAsync("link", "del", "u0");
        Assert.DoesNotContain("vxlab0", await d.Namespace.IpAsync("-br", "link"), StringComparison.Ordinal);
        await d.Namespace.IpAsync("link", "add", "u0", "type", "veth", "peer", "name", "u0p");
        await d.Namespace.IpAsync("address", "add", "192.0.2.10/24", "dev", "u0");
        await d.Namespace.IpAsync("address", "add", "192.0.2.77/24", "dev", "u0"); // the administrator's own, as before
        await d.Namespace.IpAsync("link", "set", "u0", "up");

        await d.WaitUntilAsync(() => InSyncAsync(d), "the gate made again on the new underlay");
        Assert.Contains("alias gatectl:lab", await d.Namespace.IpAsync("-d", "link", "show", "vxlab0"), StringComparison.Ordinal);
        await foreign.AssertIntactAsync("after the underlay was deleted and made again");
    }

    private static Task<bool> InSyncAsync(RunningDaemon d) =>
        Task.FromResult(PeerHost.Run("diff", d.StatePath, "--netns", d.Namespace.Name).Exit == ExitCodes.Ok);
}
