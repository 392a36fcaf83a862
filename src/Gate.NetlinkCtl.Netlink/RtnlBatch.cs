using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>
/// Many changes sent together by <see cref="RtnlClient.Execute(RtnlBatch)"/>: pipelined in chunked sendmsg calls
/// (so thousands of FDB entries go in without EMSGSIZE or ENOBUFS), each request acknowledged on its own and each
/// refusal reported against the request that caused it. Like <c>bridge -batch</c> / <c>ip -batch</c>, but one socket
/// and no text parsing. The verbs mirror <see cref="RtnlClient"/>'s and return the batch for chaining.
/// </summary>
public sealed class RtnlBatch
{
    private const int MaxMessageBytes = 1024;
    private readonly List<int> _offsets = [];
    private readonly List<IRtnlRequest> _requests = [];
    private byte[] _buffer = new byte[16 * 1024];
    private int _length;

    /// <summary>How many requests the batch holds.</summary>
    public int Count => _requests.Count;

    internal Span<byte> Messages => _buffer.AsSpan(0, _length);

    internal IReadOnlyList<int> Offsets => _offsets;

    /// <summary><c>bridge fdb add</c>: see <see cref="RtnlClient.FdbAdd"/>.</summary>
    public RtnlBatch FdbAdd(FdbEntry entry) => Add(RtnlRequests.Fdb.Add(entry));

    /// <summary><c>bridge fdb append</c>: see <see cref="RtnlClient.FdbAppend"/>.</summary>
    public RtnlBatch FdbAppend(FdbEntry entry) => Add(RtnlRequests.Fdb.Append(entry));

    /// <summary><c>bridge fdb replace</c>: see <see cref="RtnlClient.FdbReplace"/>.</summary>
    public RtnlBatch FdbReplace(FdbEntry entry) => Add(RtnlRequests.Fdb.Replace(entry));

    /// <summary><c>bridge fdb del</c>: see <see cref="RtnlClient.FdbDelete"/> (a missing entry is a failure here, ENOENT).</summary>
    public RtnlBatch FdbDelete(FdbEntry entry) => Add(RtnlRequests.Fdb.Delete(entry));

    /// <summary><c>ip neigh add</c>: see <see cref="RtnlClient.NeighbourAdd"/>.</summary>
    public RtnlBatch NeighbourAdd(Neighbour neighbour) => Add(RtnlRequests.Neighbour.Add(neighbour));

    /// <summary><c>ip neigh replace</c>: see <see cref="RtnlClient.NeighbourReplace"/>.</summary>
    public RtnlBatch NeighbourReplace(Neighbour neighbour) => Add(RtnlRequests.Neighbour.Replace(neighbour));

    /// <summary><c>ip neigh del</c>: see <see cref="RtnlClient.NeighbourDelete"/>.</summary>
    public RtnlBatch NeighbourDelete(Neighbour neighbour) => Add(RtnlRequests.Neighbour.Delete(neighbour));

    /// <summary><c>ip route add</c>: see <see cref="RtnlClient.RouteAdd"/>.</summary>
    public RtnlBatch RouteAdd(Ipv4Route route) => Add(RtnlRequests.Route.Add(route));

    /// <summary><c>ip route replace</c>: see <see cref="RtnlClient.RouteReplace"/>.</summary>
    public RtnlBatch RouteReplace(Ipv4Route route) => Add(RtnlRequests.Route.Replace(route));

    /// <summary><c>ip route del</c>: see <see cref="RtnlClient.RouteDelete"/>.</summary>
    public RtnlBatch RouteDelete(Ipv4Route route) => Add(RtnlRequests.Route.Delete(route));

    /// <summary><c>ip addr add</c>: see <see cref="RtnlClient.AddressAdd"/>.</summary>
    public RtnlBatch AddressAdd(LinkAddress address) => Add(RtnlRequests.Address.Add(address));

    /// <summary><c>ip addr replace</c>: see <see cref="RtnlClient.AddressReplace"/>.</summary>
    public RtnlBatch AddressReplace(LinkAddress address) => Add(RtnlRequests.Address.Replace(address));

    /// <summary><c>ip addr del</c>: see <see cref="RtnlClient.AddressDelete"/>.</summary>
    public RtnlBatch AddressDelete(LinkAddress address) => Add(RtnlRequests.Address.Delete(address));

    /// <summary>The request at <paramref name="index"/> in words, e.g. "RTM_NEWNEIGH 00:00:00:00:00:00 dev #5 dst 192.0.2.1 (bridge fdb append)".</summary>
    public string Describe(int index) => _requests[index].Describe();

    private RtnlBatch Add(IRtnlRequest request)
    {
        if (_buffer.Length - _length < MaxMessageBytes)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var writer = new NetlinkWriter(_buffer.AsSpan(_length));
        request.Write(ref writer);
        _offsets.Add(_length);
        _requests.Add(request);
        _length += writer.Length;
        return this;
    }
}

/// <summary>What a batch achieved: how many requests it held and which the kernel refused.</summary>
/// <param name="Count">Requests sent.</param>
/// <param name="Failures">The refused ones, in order.</param>
public sealed record BatchResult(int Count, IReadOnlyList<BatchFailure> Failures)
{
    /// <summary>True when the kernel accepted every request.</summary>
    public bool Succeeded => Failures.Count == 0;

    /// <summary>Throws a <see cref="NetlinkException"/> naming the first failure and the count when any request failed.</summary>
    public void ThrowIfFailed()
    {
        if (Failures.Count > 0)
        {
            var first = Failures[0];
            throw new NetlinkException($"{Failures.Count} of {Count} batched requests failed; the first (#{first.Index}): {first.Error.Message}", first.Error);
        }
    }
}

/// <summary>One refused request of a batch.</summary>
/// <param name="Index">Its position in the batch (0-based).</param>
/// <param name="Request">What it asked, in words.</param>
/// <param name="Error">The kernel's answer, with errno and extended-ack text.</param>
public sealed record BatchFailure(int Index, string Request, NetlinkException Error);
