using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink;

public sealed partial class RtnlClient
{
    /// <summary>One device's forwarding database: <c>bridge fdb show dev X</c>.</summary>
    public IReadOnlyList<FdbEntry> GetFdb(int linkIndex) =>
        Dump((ref NetlinkWriter w) => NeighbourCodec.WriteFdbDump(ref w, linkIndex), $"RTM_GETNEIGH fdb dump #{linkIndex}", NeighbourCodec.DecodeFdb)
            .Where(e => e.LinkIndex == linkIndex).ToList();

    /// <summary>Adds an FDB entry; EEXIST when the MAC has an entry: <c>bridge fdb add MAC dev X dst IP self permanent</c>.</summary>
    public void FdbAdd(FdbEntry entry) => Execute(RtnlRequests.Fdb.Add(entry));

    /// <summary>
    /// Appends a destination to an FDB entry, creating it if needed; this is how the all-zero MAC gets one remote per
    /// endpoint: <c>bridge fdb append 00:00:00:00:00:00 dev X dst IP self permanent</c>. EEXIST when that destination is there.
    /// </summary>
    public void FdbAppend(FdbEntry entry) => Execute(RtnlRequests.Fdb.Append(entry));

    /// <summary>Creates or replaces an FDB entry: <c>bridge fdb replace MAC dev X dst IP self permanent</c>.</summary>
    public void FdbReplace(FdbEntry entry) => Execute(RtnlRequests.Fdb.Replace(entry));

    /// <summary>
    /// Deletes an FDB entry (with <see cref="FdbEntry.Destination"/>, only that remote of it):
    /// <c>bridge fdb del MAC dev X dst IP self</c>. Returns false when it was not there.
    /// </summary>
    public bool FdbDelete(FdbEntry entry)
    {
        var request = RtnlRequests.Fdb.Delete(entry);
        return ExecuteDelete((ref NetlinkWriter w) => request.Write(ref w), request.Describe());
    }

    /// <summary>IPv4 neighbours, of one device when given: <c>ip -4 neigh show [dev X]</c>.</summary>
    public IReadOnlyList<Neighbour> GetNeighbours(int? linkIndex = null) =>
        Dump((ref NetlinkWriter w) => NeighbourCodec.WriteNeighbourDump(ref w, linkIndex), "RTM_GETNEIGH dump", NeighbourCodec.DecodeNeighbour)
            .Where(n => linkIndex is null || n.LinkIndex == linkIndex).ToList();

    /// <summary>Adds a neighbour; EEXIST when there is one: <c>ip neigh add IP lladdr MAC dev X nud permanent</c>.</summary>
    public void NeighbourAdd(Neighbour neighbour) => Execute(RtnlRequests.Neighbour.Add(neighbour));

    /// <summary>Creates or replaces a neighbour: <c>ip neigh replace IP lladdr MAC dev X nud permanent</c>.</summary>
    public void NeighbourReplace(Neighbour neighbour) => Execute(RtnlRequests.Neighbour.Replace(neighbour));

    /// <summary>Deletes a neighbour: <c>ip neigh del IP dev X</c>. Returns false when it was not there.</summary>
    public bool NeighbourDelete(Neighbour neighbour)
    {
        var request = RtnlRequests.Neighbour.Delete(neighbour);
        return ExecuteDelete((ref NetlinkWriter w) => request.Write(ref w), request.Describe());
    }
}
