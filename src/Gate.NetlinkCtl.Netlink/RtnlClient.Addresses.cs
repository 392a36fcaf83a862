using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink;

public sealed partial class RtnlClient
{
    /// <summary>IPv4 addresses, of one device when <paramref name="linkIndex"/> is given: <c>ip -4 addr show [dev X]</c>.</summary>
    public IReadOnlyList<LinkAddress> GetAddresses(int? linkIndex = null)
    {
        var all = Dump((ref NetlinkWriter w) => AddressCodec.WriteDump(ref w, linkIndex), "RTM_GETADDR dump", AddressCodec.Decode);
        return linkIndex is { } index ? all.Where(a => a.LinkIndex == index).ToList() : all;
    }

    /// <summary>Adds an address; EEXIST when it is there: <c>ip addr add A/P dev X [metric M]</c>.</summary>
    public void AddressAdd(LinkAddress address)
    {
        Execute(RtnlRequests.Address.Add(address));
    }

    /// <summary>Adds an address or updates it in place (metric, broadcast, label): <c>ip addr replace A/P dev X [metric M]</c>.</summary>
    public void AddressReplace(LinkAddress address)
    {
        Execute(RtnlRequests.Address.Replace(address));
    }

    /// <summary>Deletes an address: <c>ip addr del A/P dev X</c>. Returns false when it was not there.</summary>
    public bool AddressDelete(LinkAddress address)
    {
        var request = RtnlRequests.Address.Delete(address);
        return ExecuteDelete((ref NetlinkWriter w) => request.Write(ref w), request.Describe());
    }
}
