using Gate.NetlinkCtl.Reconcile.Observe;

namespace Gate.NetlinkCtl.Reconcile.Plan;

/// <summary>
/// Every kernel object of one gate's device, desired and observed, as index-free values keyed by natural key: the
/// device itself, gatectl's addresses on it, its flood entries and gatectl's routes through it. The one structure
/// the pipeline reads after observe: the planner turns its pending views into steps, <c>diff</c> reports a gate in
/// sync when nothing is pending, verify and rollback are plans made from it again, and the daemon's fast path
/// repairs towards its desired flood entries. Objects on the device that are not gatectl's are not in it: they are
/// never changed.
/// </summary>
/// <param name="Gate">The gate (for a deletion, the gate that owns the device).</param>
/// <param name="Interface">The gate's device.</param>
/// <param name="Device">The device: at most one desired and one observed, under the interface name.</param>
/// <param name="Addresses">gatectl's addresses on it.</param>
/// <param name="Floods">Its flood entries.</param>
/// <param name="Routes">gatectl's routes through it.</param>
internal sealed record GateObjects(
    string Gate,
    string Interface,
    ObjectDelta<DeviceObject> Device,
    ObjectDelta<AddressObject> Addresses,
    ObjectDelta<FloodObject> Floods,
    ObjectDelta<RouteObject> Routes)
{
    /// <summary>
    /// Pairs what <paramref name="target"/> wants (nothing when the device is to go) with what <paramref name="observed"/>
    /// holds of gatectl's (nothing when there is no device; only the device itself when it is not gatectl's).
    /// </summary>
    public static GateObjects Of(string gate, string name, GateTarget? target, ObservedGate? observed) => new(
        gate,
        name,
        new([.. Optional(target is null ? null : DeviceObject.Of(target))], [.. Optional(observed is null ? null : DeviceObject.Of(observed.Device))]),
        new(target?.Addresses.Select(a => new AddressObject(name, a)) ?? [], observed?.OwnedAddresses.Select(a => new AddressObject(name, a)) ?? []),
        new(target?.Floods.Select(f => new FloodObject(name, f)) ?? [], observed?.OwnedFloods.Select(f => new FloodObject(name, f)) ?? []),
        new(target?.Routes.Select(r => new RouteObject(name, r)) ?? [],
            observed?.OwnedRoutes.Select(r => new RouteObject(name, new GateRoute(r.Destination, r.Gateway))) ?? []));

    /// <summary>The device the target wants, or null when it is to be deleted.</summary>
    public DeviceObject? DesiredDevice => Device.Desired.Count == 0 ? null : Device.Desired[0];

    /// <summary>The device as observed, or null when there is none.</summary>
    public DeviceObject? ObservedDevice => Device.Observed.Count == 0 ? null : Device.Observed[0];

    /// <summary>Every desired object: the device, then its addresses, flood entries and routes.</summary>
    public IEnumerable<KernelObject> Desired => Each(d => d.Desired);

    /// <summary>Every observed object of gatectl's, in the same order.</summary>
    public IEnumerable<KernelObject> Observed => Each(d => d.Observed);

    /// <summary>Objects to create or change.</summary>
    public IEnumerable<KernelObject> PendingUpdates => Each(d => d.PendingUpdates);

    /// <summary>Objects to delete.</summary>
    public IEnumerable<KernelObject> PendingDeletions => Each(d => d.PendingDeletions);

    /// <summary>Objects the kernel already has as wanted.</summary>
    public IEnumerable<KernelObject> InSync => Each(d => d.InSync);

    /// <summary>True when nothing is pending.</summary>
    public bool IsInSync => Device.IsInSync && Addresses.IsInSync && Floods.IsInSync && Routes.IsInSync;

    /// <summary>
    /// The same objects once the device is made anew: the desired side as it is, the device as observed, and none of
    /// the objects that were on the old device (a new device carries none of them, so all are pending, none deleted).
    /// </summary>
    public GateObjects OnNewDevice() => this with
    {
        Addresses = Addresses.AgainstNothing(),
        Floods = Floods.AgainstNothing(),
        Routes = Routes.AgainstNothing(),
    };

    // One view of each kind's delta, device first; the deltas keep their own indexes, so nothing is keyed again.
    private IEnumerable<KernelObject> Each(Func<IObjectViews, IEnumerable<KernelObject>> view) =>
        new IObjectViews[] { Device, Addresses, Floods, Routes }.SelectMany(view);

    private static IEnumerable<T> Optional<T>(T? item)
        where T : class => item is null ? [] : [item];
}
