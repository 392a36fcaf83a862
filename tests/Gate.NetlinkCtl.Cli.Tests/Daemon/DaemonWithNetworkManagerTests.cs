using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Daemon;

/// <summary>The real <c>gatectl run</c> keeping a NetworkManager gate in force, against a real NetworkManager in the namespace.</summary>
public sealed class DaemonWithNetworkManagerTests
{
    private static string State(RunningDaemon d) => RunningDaemon.LabState(d, backend: "networkmanager");

    [Fact]
    public async Task Flood_entries_come_back_by_themselves_after_networkmanager_recreates_the_device()
    {
        NetworkManagerInstance.RequirePrograms();
        await using var d = await RunningDaemon.CreateAsync(State);
        await using var nm = await NetworkManagerInstance.StartAsync(d.Namespace);
        d.Environment["DBUS_SYSTEM_BUS_ADDRESS"] = nm.BusAddress;
        await d.StartAsync();
        await d.WaitUntilAsync(() => FloodsPresentAsync(d), "the first apply's flood entries");
        var first = await d.WaitForStatusAsync(s => s.LastRepair is not null, "the first apply recorded");
        Assert.Contains("gatectl-lab", await nm.NmcliAsync("-t", "-f", "NAME", "connection", "show", "--active"), StringComparison.Ordinal);

        // A reboot-like restart: NetworkManager brings the device back from the profile, without flood entries.
        await nm.StopAsync();
        await d.Namespace.IpAsync("link", "del", "vxlab0");
        await nm.StartAsync();

        await d.WaitUntilAsync(() => FloodsPresentAsync(d), "the flood entries on the device NetworkManager made again");
        var repaired = await d.WaitForStatusAsync(
            s => s.LastRepair is { } r && r.StartedAt > first.LastRepair!.StartedAt && r.Repairs.Any(x => x.Kind == "add-flood"),
            "the flood repair recorded in the status");
        Assert.Contains("gatectl-lab", await nm.NmcliAsync("-t", "-f", "NAME", "connection", "show", "--active"), StringComparison.Ordinal);
        Assert.Contains(repaired.LastRepair!.Triggers, t => t is "kernel-event" or "retry");
    }

    private static async Task<bool> FloodsPresentAsync(RunningDaemon d)
    {
        try
        {
            var fdb = await d.Namespace.BridgeAsync("fdb", "show", "dev", "vxlab0");
            return fdb.Contains("00:00:00:00:00:00 dst 198.51.100.4 self permanent", StringComparison.Ordinal)
                && fdb.Contains("00:00:00:00:00:00 dst 198.51.100.132 self permanent", StringComparison.Ordinal);
        }
        catch (InvalidOperationException)
        {
            return false; // the device is not there (yet)
        }
    }
}
