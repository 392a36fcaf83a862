using System.Net;
using Gate.NetlinkCtl.Netlink;

namespace Gate.NetlinkCtl.Bench;

/// <summary>
/// Bridge FDB scenarios on a VXLAN device in a private namespace: installing N all-zero entries (one per remote
/// endpoint, the flood list of a gate) on a fresh device, and dumping N entries.
/// </summary>
public sealed class FdbScenarios(BenchNamespace ns, RtnlClient client, int entries)
{
    private const string Device = "gct-bench0";
    private readonly string _batchFile = Path.Combine(Path.GetTempPath(), $"{ns.Name}-fdb.batch");

    /// <summary>Every scenario of this family.</summary>
    public IEnumerable<Scenario> All() => [Install(), Dump()];

    /// <summary>N all-zero appends on a fresh device: <c>bridge -batch</c> against <see cref="RtnlClient.Execute(RtnlBatch)"/>.</summary>
    public Scenario Install() => new(
        $"install {entries:N0} all-zero FDB entries, fresh device",
        new Contender("bridge -batch", FreshDeviceAsync, () => ns.BridgeAsync("-batch", _batchFile)),
        new Contender("RtnlClient batch", FreshDeviceAsync, () =>
        {
            var index = client.GetLink(Device)!.Index;
            var batch = new RtnlBatch();
            foreach (var destination in Destinations())
            {
                batch.FdbAppend(new FdbEntry(index, FdbEntry.AllZeroMac, destination));
            }

            client.Execute(batch).ThrowIfFailed();
            return Task.CompletedTask;
        }))
    {
        Setup = () => File.WriteAllLinesAsync(_batchFile, Destinations().Select(d => $"fdb append 00:00:00:00:00:00 dev {Device} dst {d} self permanent")),
        Teardown = () =>
        {
            File.Delete(_batchFile);
            return Task.CompletedTask;
        },
    };

    /// <summary>A dump of N entries: <c>bridge -j fdb show dev X</c> against <see cref="RtnlClient.GetFdb"/>.</summary>
    public Scenario Dump() => new(
        $"dump {entries:N0} FDB entries",
        new Contender("bridge -j fdb show", () => Task.CompletedTask, () => ns.BridgeAsync("-j", "fdb", "show", "dev", Device)),
        new Contender("RtnlClient.GetFdb", () => Task.CompletedTask, () =>
        {
            var count = client.GetFdb(client.GetLink(Device)!.Index).Count;
            return count == entries ? Task.CompletedTask : throw new InvalidOperationException($"dump returned {count} entries, expected {entries}");
        }))
    {
        Setup = async () =>
        {
            await FreshDeviceAsync();
            var index = client.GetLink(Device)!.Index;
            var batch = new RtnlBatch();
            foreach (var destination in Destinations())
            {
                batch.FdbAppend(new FdbEntry(index, FdbEntry.AllZeroMac, destination));
            }

            client.Execute(batch).ThrowIfFailed();
        },
    };

    private async Task FreshDeviceAsync()
    {
        if (client.GetLink(Device) is { } old)
        {
            client.LinkDelete(old.Index);
        }

        await ns.IpAsync("link", "add", Device, "type", "vxlan", "id", "10", "local", "192.0.2.1", "dstport", "4789", "nolearning");
    }

    private IEnumerable<IPAddress> Destinations() =>
        Enumerable.Range(0, entries).Select(i => new IPAddress([198, 18, (byte)(i / 250), (byte)(1 + (i % 250))]));
}
