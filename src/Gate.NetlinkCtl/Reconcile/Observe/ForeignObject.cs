namespace Gate.NetlinkCtl.Reconcile.Observe;

/// <summary>Something seen on or near a gate that gatectl did not make: reported, never touched.</summary>
/// <param name="Interface">The device it is on (or is).</param>
/// <param name="Kind">What sort of object it is.</param>
/// <param name="Description">What it is, in <c>ip</c>/<c>bridge</c> terms.</param>
internal sealed record ForeignObject(string Interface, ForeignKind Kind, string Description)
{
    /// <inheritdoc />
    public override string ToString() => $"{Interface}: {Description}";

    /// <summary>An address without gatectl's metric on a gatectl device.</summary>
    public static ForeignObject ForAddress(string interfaceName, ObservedAddress address) =>
        new(interfaceName, ForeignKind.Address, $"address {address.Address} (metric {address.Metric})");
}

/// <summary>Sorts of foreign objects.</summary>
internal enum ForeignKind
{
    /// <summary>A VXLAN device without gatectl's alias.</summary>
    Device,

    /// <summary>An address without gatectl's metric on a gatectl device.</summary>
    Address,

    /// <summary>An FDB entry on a gatectl device that is not a permanent flood entry.</summary>
    FdbEntry,

    /// <summary>A route through a gatectl device with another protocol.</summary>
    Route,
}
