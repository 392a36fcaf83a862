using System.Net;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Reconcile.Observe;

/// <summary>A device that is (or is named like) a gate, with everything on it: addresses, FDB entries, routes.</summary>
/// <param name="Device">The device itself.</param>
/// <param name="Addresses">Its IPv4 addresses (owned or not).</param>
/// <param name="Fdb">Its permanent and learned FDB entries (owned or not).</param>
/// <param name="Routes">Routes in the main table through it, except the kernel's own prefix routes.</param>
internal sealed record ObservedGate(
    ObservedDevice Device,
    EquatableList<ObservedAddress> Addresses,
    EquatableList<ObservedFdbEntry> Fdb,
    EquatableList<ObservedRoute> Routes)
{
    /// <summary>The interface name.</summary>
    public string Interface => Device.Name;

    /// <summary>True when the device is gatectl's, so its owned objects may be changed.</summary>
    public bool IsGatectls => Device.IsGatectls;

    /// <summary>Addresses gatectl added (metric 147); empty on a foreign device.</summary>
    public IEnumerable<InterfaceAddress> OwnedAddresses =>
        IsGatectls ? Addresses.Where(a => a.IsOwned).Select(a => a.Address) : [];

    /// <summary>Destinations of gatectl's flood entries; empty on a foreign device.</summary>
    public IEnumerable<IPAddress> OwnedFloods =>
        IsGatectls ? Fdb.Where(f => f.IsOwnedFlood).Select(f => f.Destination!) : [];

    /// <summary>Routes gatectl added (protocol 147); empty on a foreign device.</summary>
    public IEnumerable<ObservedRoute> OwnedRoutes => IsGatectls ? Routes.Where(r => r.IsOwned) : [];

    /// <summary>What is on a gatectl device but not gatectl's: reported by <c>diff</c>, never touched.</summary>
    public IEnumerable<ForeignObject> ForeignObjects
    {
        get
        {
            if (!IsGatectls)
            {
                yield break;
            }

            foreach (var address in Addresses.Where(a => !a.IsOwned))
            {
                yield return ForeignObject.ForAddress(Interface, address);
            }

            foreach (var entry in Fdb.Where(f => !f.IsOwnedFlood))
            {
                yield return new ForeignObject(Interface, ForeignKind.FdbEntry, entry.ToString());
            }

            foreach (var route in Routes.Where(r => !r.IsOwned))
            {
                yield return new ForeignObject(Interface, ForeignKind.Route, route.ToString());
            }
        }
    }

    /// <summary>The same gate without kernel-assigned indexes, to compare hosts across recreations.</summary>
    public ObservedGate WithoutIndexes() => this with { Device = Device.WithoutIndexes() };
}

/// <summary>An IPv4 address on a device.</summary>
/// <param name="Address">Address and prefix length.</param>
/// <param name="Metric">Prefix-route metric (IFA_RT_PRIORITY), 0 when unset; 147 marks gatectl's.</param>
internal sealed record ObservedAddress(InterfaceAddress Address, uint Metric)
{
    /// <summary>True when gatectl added it.</summary>
    public bool IsOwned => Metric == Ownership.AddressMetric;
}

/// <summary>A bridge FDB entry of a VXLAN device.</summary>
/// <param name="Mac">The MAC, lower case with colons.</param>
/// <param name="Destination">The remote VTEP, or null when the entry has none.</param>
/// <param name="Permanent">True for static (NUD_PERMANENT) entries, false for learned ones.</param>
internal sealed record ObservedFdbEntry(string Mac, IPAddress? Destination, bool Permanent)
{
    /// <summary>True for a permanent all-zero entry with a destination: a flood entry, gatectl's on its own devices.</summary>
    public bool IsOwnedFlood => Permanent && Destination is not null && Ownership.IsFloodMac(Mac);

    /// <inheritdoc />
    public override string ToString() =>
        $"fdb {Mac}{(Destination is null ? "" : $" dst {Destination}")}{(Permanent ? " permanent" : "")}";
}

/// <summary>A main-table IPv4 route through a device.</summary>
/// <param name="Destination">Destination prefix.</param>
/// <param name="Gateway">Next hop, or null for a direct route.</param>
/// <param name="Protocol">Route protocol (RTPROT); 147 marks gatectl's.</param>
internal sealed record ObservedRoute(IPNetwork Destination, IPAddress? Gateway, int Protocol)
{
    /// <summary>True when gatectl added it.</summary>
    public bool IsOwned => Protocol == Ownership.RouteProtocol;

    /// <inheritdoc />
    public override string ToString() =>
        $"route {Destination}{(Gateway is null ? "" : $" via {Gateway}")} proto {Protocol}";
}
