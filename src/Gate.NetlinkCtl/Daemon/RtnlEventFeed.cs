using System.Runtime.CompilerServices;
using Gate.NetlinkCtl.Netlink;

namespace Gate.NetlinkCtl.Daemon;

/// <summary>The kernel's rtnetlink notifications (links, neighbours and FDB, IPv4 addresses and routes) in one namespace.</summary>
/// <param name="netns">The named network namespace, or null for the daemon's own.</param>
internal sealed class RtnlEventFeed(string? netns) : IKernelEventFeed
{
    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, int>> ListInterfacesAsync(CancellationToken cancellationToken)
    {
        using var client = RtnlClient.Open(netns);
        IReadOnlyDictionary<string, int> links = client.GetLinks().ToDictionary(l => l.Name, l => l.Index, StringComparer.Ordinal);
        return Task.FromResult(links);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<KernelChange> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var listener = RtnlEventListener.Open(netns);
        await foreach (var e in listener.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (ToChange(e) is { } change)
            {
                yield return change;
            }
        }
    }

    /// <summary>Reduces an rtnetlink event to what decides whether it touches a gate; null for IP neighbours.</summary>
    public static KernelChange? ToChange(RtnlEvent e) => e switch
    {
        LinkEvent link => new(KernelChangeKind.Link, link.Link.Index, link.Link.Name, link.Change == RtnlChange.Deleted) { Alias = link.Link.Alias },
        FdbEvent fdb => new(KernelChangeKind.Neighbour, fdb.Entry.LinkIndex, null, fdb.Change == RtnlChange.Deleted)
        {
            Fdb = new FdbChange(fdb.Entry.Mac.ToColonString(), fdb.Entry.Destination, fdb.Entry.IsPermanent, (fdb.Entry.Flags & NeighbourFlags.Self) != 0),
        },
        AddressEvent address => new(KernelChangeKind.Address, address.Address.LinkIndex, null, address.Change == RtnlChange.Deleted),
        RouteEvent route => new(KernelChangeKind.Route, route.Route.OutputIndex ?? 0, null, route.Change == RtnlChange.Deleted),
        EventsLost => new(KernelChangeKind.EventsLost, 0, null, false),
        Ipv4SettingsEvent settings => new(KernelChangeKind.Ipv4Settings, settings.InterfaceIndex, null, false),
        // ARP entries come and go with traffic; gatectl owns none of them.
        _ => null,
    };
}
