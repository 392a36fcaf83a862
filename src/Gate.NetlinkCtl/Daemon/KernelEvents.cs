using System.Net;

namespace Gate.NetlinkCtl.Daemon;

/// <summary>A stream of rtnetlink change notifications (links, neighbours and FDB entries, addresses, routes).</summary>
internal interface IKernelEventFeed
{
    /// <summary>The current interface indexes by name, so events that carry only an index can be matched to gates.</summary>
    Task<IReadOnlyDictionary<string, int>> ListInterfacesAsync(CancellationToken cancellationToken);

    /// <summary>Yields each notification until cancelled; throws when the subscription fails (events may be lost).</summary>
    IAsyncEnumerable<KernelChange> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>The object kind an rtnetlink notification is about.</summary>
internal enum KernelChangeKind
{
    /// <summary>RTM_NEWLINK / RTM_DELLINK.</summary>
    Link,

    /// <summary>RTM_NEWNEIGH / RTM_DELNEIGH (bridge FDB entries included).</summary>
    Neighbour,

    /// <summary>RTM_NEWADDR / RTM_DELADDR.</summary>
    Address,

    /// <summary>RTM_NEWROUTE / RTM_DELROUTE.</summary>
    Route,

    /// <summary>The kernel dropped notifications (ENOBUFS): anything may have changed.</summary>
    EventsLost,

    /// <summary>RTM_NEWNETCONF: a device's IPv4 forwarding or rp_filter changed (a gate's routing block may depend on it).</summary>
    Ipv4Settings,
}

/// <summary>One rtnetlink notification, reduced to what decides whether it touches a gate.</summary>
/// <param name="Kind">The object kind.</param>
/// <param name="InterfaceIndex">The interface it is on (a route's output interface), or 0 when none.</param>
/// <param name="InterfaceName">The interface's name when the message carries it (link messages), else null.</param>
/// <param name="Removed">True for RTM_DEL* messages.</param>
internal sealed record KernelChange(KernelChangeKind Kind, int InterfaceIndex, string? InterfaceName, bool Removed)
{
    /// <summary>For a link event: the device's ifalias (null when it has none, or for other kinds).</summary>
    public string? Alias { get; init; }

    /// <summary>For an FDB entry (AF_BRIDGE neighbour) event: the entry itself; null for other kinds.</summary>
    public FdbChange? Fdb { get; init; }
}

/// <summary>The FDB entry an rtnetlink neighbour event is about, as far as ownership and repair need it.</summary>
/// <param name="Mac">The MAC address in colon form (00:00:00:00:00:00 for the flood list).</param>
/// <param name="Destination">The remote endpoint (NDA_DST), or null.</param>
/// <param name="Permanent">True when NUD_PERMANENT is set.</param>
/// <param name="Self">True when NTF_SELF is set (the device's own FDB, not a bridge's).</param>
internal sealed record FdbChange(string Mac, IPAddress? Destination, bool Permanent, bool Self);

/// <summary>
/// Decides whether a notification touches a gate: a link event naming a gate's device or underlay, or a
/// neighbour, address or route event on a gate device's index. Indexes are learned from a listing and
/// from link events, since a re-created device gets a new index.
/// </summary>
internal sealed class GateEventFilter
{
    private readonly Lock _lock = new();
    private HashSet<string> _names = new(StringComparer.Ordinal);
    private HashSet<string> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> _indexes = [];

    /// <summary>Sets the devices to watch (gate VXLAN devices) and their underlays, with the indexes known now.</summary>
    public void Watch(IEnumerable<string> gateDevices, IEnumerable<string> underlays, IReadOnlyDictionary<string, int> knownIndexes)
    {
        lock (_lock)
        {
            _devices = new HashSet<string>(gateDevices, StringComparer.Ordinal);
            _names = new HashSet<string>(_devices.Concat(underlays), StringComparer.Ordinal);
            _indexes.Clear();
            foreach (var (name, index) in knownIndexes)
            {
                if (_devices.Contains(name))
                {
                    _indexes[index] = name;
                }
            }
        }
    }

    /// <summary>True when <paramref name="change"/> may have altered a gate.</summary>
    public bool Touches(KernelChange change)
    {
        // Settings changes are rare (a sysctl write) and may concern a routing gate's underlay, whose index is not kept here.
        if (change.Kind is KernelChangeKind.EventsLost or KernelChangeKind.Ipv4Settings)
        {
            return true;
        }

        // A learned FDB entry (not permanent, a device's MAC) comes and goes with traffic, the health probe's echoes
        // included; gatectl owns none, so it is no reason to reconcile. Flood entries (all-zero MAC) always are.
        if (change.Fdb is { Permanent: false } learned && !Reconcile.Ownership.IsFloodMac(learned.Mac))
        {
            return false;
        }

        lock (_lock)
        {
            if (change.Kind == KernelChangeKind.Link)
            {
                if (change.InterfaceName is { } name && _devices.Contains(name))
                {
                    if (change.Removed)
                    {
                        _indexes.Remove(change.InterfaceIndex);
                    }
                    else
                    {
                        _indexes[change.InterfaceIndex] = name;
                    }
                }

                return (change.InterfaceName is { } n && _names.Contains(n)) || _indexes.ContainsKey(change.InterfaceIndex);
            }

            return _indexes.ContainsKey(change.InterfaceIndex);
        }
    }
}
