using Gate.NetlinkCtl.Netlink.Sockets;
using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>
/// gatectl's rtnetlink client: one persistent NETLINK_ROUTE socket, typed operations on links, VXLAN devices,
/// IPv4 addresses, bridge FDB entries, neighbours and IPv4 routes, and batches of many changes. Each verb's
/// summary names the <c>ip</c>/<c>bridge</c> command it equals. Adds never tolerate an existing object silently
/// (<see cref="NetlinkException.IsAlreadyExists"/>); deletes return false when the object was already gone.
/// Calls are synchronous (each is a few syscalls) and must not overlap: use one client per thread.
/// </summary>
public sealed partial class RtnlClient : IDisposable
{
    /// <summary>How long a request waits for the kernel's reply unless <see cref="Open"/> is told otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private const int RequestBufferBytes = 4096;
    private readonly NetlinkConnection _connection;
    private readonly byte[] _request = new byte[RequestBufferBytes];

    private RtnlClient(NetlinkConnection connection, string? netns)
    {
        _connection = connection;
        Namespace = netns;
    }

    /// <summary>The network namespace the socket lives in (a name under /run/netns or a path), or null for the caller's own.</summary>
    public string? Namespace { get; }

    /// <summary>
    /// Opens a client in the calling thread's network namespace, or inside <paramref name="netns"/> (a name as
    /// <c>ip netns</c> knows it, or a path such as /proc/PID/ns/net) without moving the process there.
    /// </summary>
    public static RtnlClient Open(string? netns = null, TimeSpan? timeout = null) =>
        new(NetlinkConnection.Open(netns, timeout ?? DefaultTimeout), netns);

    /// <summary>Sends a batch (see <see cref="RtnlBatch"/>) in chunks and reports every request the kernel refused.</summary>
    public BatchResult Execute(RtnlBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return new BatchResult(0, []);
        }

        var errors = _connection.ExecuteBatch(batch.Messages, batch.Offsets, $"batch of {batch.Count} requests");
        var failures = errors
            .Select(e => new BatchFailure(e.Index, batch.Describe(e.Index), new NetlinkException(e.Errno, batch.Describe(e.Index), e.KernelMessage)))
            .ToList();
        return new BatchResult(batch.Count, failures);
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    private void Execute(RequestWriter write, string what)
    {
        var w = new NetlinkWriter(_request);
        write(ref w);
        _connection.Execute(_request.AsSpan(0, w.Length), what);
    }

    private bool ExecuteDelete(RequestWriter write, string what)
    {
        try
        {
            Execute(write, what);
            return true;
        }
        catch (NetlinkException e) when (e.IsNotFound)
        {
            return false;
        }
    }

    private List<T> Dump<T>(RequestWriter write, string what, MessageDecoder<T> decode)
    {
        var w = new NetlinkWriter(_request);
        write(ref w);
        return _connection.Dump(_request.AsSpan(0, w.Length), what, decode);
    }

    private T? Get<T>(RequestWriter write, string what, MessageDecoder<T> decode)
        where T : class
    {
        var w = new NetlinkWriter(_request);
        write(ref w);
        try
        {
            return _connection.Get(_request.AsSpan(0, w.Length), what, decode);
        }
        catch (NetlinkException e) when (e.IsNotFound)
        {
            return null;
        }
    }
}

/// <summary>Writes one request message.</summary>
internal delegate void RequestWriter(ref NetlinkWriter writer);
