using System.Net;
using Gate.NetlinkCtl.Netlink;

namespace Gate.NetlinkCtl.Daemon;

/// <summary>Writes the single flood entry a <see cref="FloodEntryRepair"/> restores.</summary>
internal interface IFloodEntryWriter
{
    /// <summary>
    /// Appends the permanent all-zero entry towards <paramref name="destination"/> on device <paramref name="interfaceIndex"/>
    /// (<c>bridge fdb append 00:00:00:00:00:00 dev X dst IP self permanent</c>); false when it is there already.
    /// Throws when the kernel refuses it for another reason (the device is gone, ...).
    /// </summary>
    bool Append(int interfaceIndex, IPAddress destination);
}

/// <summary>The fast path's writer: one rtnetlink socket in the daemon's namespace, opened on first use, kept open.</summary>
/// <param name="netns">The named network namespace, or null for the daemon's own.</param>
internal sealed class RtnlFloodEntryWriter(string? netns) : IFloodEntryWriter, IDisposable
{
    private RtnlClient? _client;

    /// <inheritdoc />
    public bool Append(int interfaceIndex, IPAddress destination)
    {
        _client ??= RtnlClient.Open(netns);
        try
        {
            _client.FdbAppend(new FdbEntry(interfaceIndex, FdbEntry.AllZeroMac, destination));
            return true;
        }
        catch (NetlinkException error) when (error.IsAlreadyExists)
        {
            // Someone (the full reconcile, or a person) put it back first: already what is wanted.
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _client?.Dispose();
        _client = null;
    }
}
