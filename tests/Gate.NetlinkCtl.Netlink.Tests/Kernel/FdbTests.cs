using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;

namespace Gate.NetlinkCtl.Netlink.Tests.Kernel;

public class FdbTests
{
    private static readonly IPAddress EndpointA = IPAddress.Parse("203.0.113.4");
    private static readonly IPAddress EndpointB = IPAddress.Parse("203.0.113.132");

    [Fact]
    public async Task All_zero_entries_are_appended_per_endpoint_and_read_back_by_the_client_and_by_bridge()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        var link = bed.Client.VxlanAdd(bed.Vxlan());

        bed.Client.FdbAppend(new FdbEntry(link.Index, FdbEntry.AllZeroMac, EndpointA));
        bed.Client.FdbAppend(new FdbEntry(link.Index, FdbEntry.AllZeroMac, EndpointB));

        var entries = bed.Client.GetFdb(link.Index);
        Assert.Equal([EndpointB, EndpointA], entries.Select(e => e.Destination!).OrderBy(a => a.ToString()));
        Assert.All(entries, e =>
        {
            Assert.Equal(FdbEntry.AllZeroMac, e.Mac);
            Assert.Equal(NeighbourState.Permanent, e.State);
            Assert.True(e.Flags.HasFlag(NeighbourFlags.Self));
        });
        var bridge = (await bed.BridgeJsonAsync("fdb", "show", "dev", "gct-vx0")).EnumerateArray().ToList();
        Assert.Equal(["203.0.113.132", "203.0.113.4"], bridge.Select(e => e.GetProperty("dst").GetString()).Order());
        Assert.All(bridge, e =>
        {
            Assert.Equal("00:00:00:00:00:00", e.GetProperty("mac").GetString());
            Assert.Equal("permanent", e.GetProperty("state").GetString());
            Assert.Contains("self", e.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        });
    }

    [Fact]
    public async Task Port_vni_and_via_device_of_an_entry_are_written_and_decoded()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        var link = bed.Client.VxlanAdd(bed.Vxlan());
        var mac = PhysicalAddress.Parse("02-00-5E-10-00-02");

        bed.Client.FdbAdd(new FdbEntry(link.Index, mac, EndpointA) { Port = 4790, Vni = 20, ViaIndex = bed.UnderlayIndex });

        var entry = Assert.Single(bed.Client.GetFdb(link.Index));
        Assert.Equal((mac, EndpointA, (ushort?)4790, (uint?)20, (int?)bed.UnderlayIndex), (entry.Mac, entry.Destination, entry.Port, entry.Vni, entry.ViaIndex));
        var bridge = (await bed.BridgeJsonAsync("fdb", "show", "dev", "gct-vx0"))[0];
        Assert.Equal("02:00:5e:10:00:02", bridge.GetProperty("mac").GetString());
        Assert.Equal(4790, bridge.GetProperty("port").GetInt32());
        Assert.Equal(20, bridge.GetProperty("vni").GetInt32());
        Assert.Equal("und0", bridge.GetProperty("viaIf").GetString());
    }

    [Fact]
    public async Task Replace_moves_an_entry_to_a_new_destination_and_delete_removes_one_remote()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        var link = bed.Client.VxlanAdd(bed.Vxlan());
        var mac = PhysicalAddress.Parse("02-00-5E-10-00-03");
        bed.Client.FdbAdd(new FdbEntry(link.Index, mac, EndpointA));
        bed.Client.FdbAppend(new FdbEntry(link.Index, FdbEntry.AllZeroMac, EndpointA));
        bed.Client.FdbAppend(new FdbEntry(link.Index, FdbEntry.AllZeroMac, EndpointB));

        bed.Client.FdbReplace(new FdbEntry(link.Index, mac, EndpointB));
        Assert.True(bed.Client.FdbDelete(new FdbEntry(link.Index, FdbEntry.AllZeroMac, EndpointA)));

        var entries = bed.Client.GetFdb(link.Index).Select(e => $"{e.Mac.ToColonString()} {e.Destination}").Order();
        Assert.Equal(["00:00:00:00:00:00 203.0.113.132", "02:00:5e:10:00:03 203.0.113.132"], entries);
        var bridge = (await bed.BridgeJsonAsync("fdb", "show", "dev", "gct-vx0")).EnumerateArray()
            .Select(e => $"{e.GetProperty("mac").GetString()} {e.GetProperty("dst").GetString()}").Order();
        Assert.Equal(entries, bridge);
        Assert.False(bed.Client.FdbDelete(new FdbEntry(link.Index, PhysicalAddress.Parse("02-00-5E-10-00-09"), EndpointA)));
    }

    [Fact]
    public async Task Appending_a_destination_twice_and_deleting_an_absent_remote_are_accepted_as_the_kernel_does()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        var link = bed.Client.VxlanAdd(bed.Vxlan());
        bed.Client.FdbAppend(new FdbEntry(link.Index, FdbEntry.AllZeroMac, EndpointA));

        bed.Client.FdbAppend(new FdbEntry(link.Index, FdbEntry.AllZeroMac, EndpointA));
        var deleted = bed.Client.FdbDelete(new FdbEntry(link.Index, FdbEntry.AllZeroMac, EndpointB));

        Assert.True(deleted);
        Assert.Equal(EndpointA, Assert.Single(bed.Client.GetFdb(link.Index)).Destination);
        Assert.Equal(1, (await bed.BridgeJsonAsync("fdb", "show", "dev", "gct-vx0")).GetArrayLength());
    }

    [Fact]
    public async Task A_batch_of_10000_appends_succeeds_and_a_dump_returns_all_of_them()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        var link = bed.Client.VxlanAdd(bed.Vxlan());
        var batch = new RtnlBatch();
        foreach (var destination in Destinations(10_000))
        {
            batch.FdbAppend(new FdbEntry(link.Index, FdbEntry.AllZeroMac, destination));
        }

        var result = bed.Client.Execute(batch);

        Assert.True(result.Succeeded, string.Join("\n", result.Failures.Take(3)));
        Assert.Equal(10_000, result.Count);
        var dumped = bed.Client.GetFdb(link.Index);
        Assert.Equal(10_000, dumped.Count);
        Assert.Equal(10_000, dumped.Select(e => e.Destination).Distinct().Count());
        Assert.Equal(10_000, (await bed.BridgeJsonAsync("fdb", "show", "dev", "gct-vx0")).GetArrayLength());
    }

    [Fact]
    public async Task A_dump_of_10000_entries_made_by_bridge_batch_arrives_complete()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        var link = bed.Client.VxlanAdd(bed.Vxlan());
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(file, Destinations(10_000).Select(d => $"fdb append 00:00:00:00:00:00 dev gct-vx0 dst {d} self permanent"), TestContext.Current.CancellationToken);
            await bed.Namespace.BridgeAsync("-batch", file);
        }
        finally
        {
            File.Delete(file);
        }

        var dumped = bed.Client.GetFdb(link.Index);

        Assert.Equal(Destinations(10_000).Select(d => d.ToString()).Order(), dumped.Select(e => e.Destination!.ToString()).Order());
    }

    [Fact]
    public async Task Each_failure_of_a_batch_is_tied_to_its_request_and_the_rest_still_apply()
    {
        await using var bed = await NetlinkTestBed.CreateAsync();
        var link = bed.Client.VxlanAdd(bed.Vxlan());
        var mac = PhysicalAddress.Parse("02-00-5E-10-00-06");
        var batch = new RtnlBatch()
            .FdbAdd(new FdbEntry(link.Index, mac, EndpointA))
            .FdbAdd(new FdbEntry(link.Index, mac, EndpointB))
            .FdbDelete(new FdbEntry(link.Index, PhysicalAddress.Parse("02-00-5E-10-00-07"), EndpointA))
            .FdbAppend(new FdbEntry(link.Index, FdbEntry.AllZeroMac, EndpointB));

        var result = bed.Client.Execute(batch);

        Assert.Equal([(1, "EEXIST"), (2, "ENOENT")], result.Failures.Select(f => (f.Index, f.Error.ErrnoName!)));
        Assert.Contains("02:00:5e:10:00:07", result.Failures[1].Request, StringComparison.Ordinal);
        Assert.StartsWith("RTM_NEWNEIGH 02:00:5e:10:00:06 dev #", result.Failures[0].Error.Message, StringComparison.Ordinal);
        Assert.True(result.Failures[1].Error.IsNotFound);
        Assert.Equal(2, bed.Client.GetFdb(link.Index).Count);
        var thrown = Assert.Throws<NetlinkException>(result.ThrowIfFailed);
        Assert.Contains("2 of 4", thrown.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<IPAddress> Destinations(int count) =>
        Enumerable.Range(0, count).Select(i => new IPAddress([198, 18, (byte)(i / 250), (byte)(1 + (i % 250))]));
}
