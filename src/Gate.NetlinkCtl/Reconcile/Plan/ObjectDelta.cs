namespace Gate.NetlinkCtl.Reconcile.Plan;

/// <summary>
/// One kind of a gate's kernel objects (its device, addresses, flood entries or routes), desired and observed side by
/// side and matched by natural key (<see cref="KernelObject.NaturalKey"/>), so no interface index or kernel handle is
/// involved. An object whose key is on both sides with different values is a pending update (a device whose MTU
/// differs); for objects that are their own key (an address, a flood entry, a route) a changed value is a new key, so
/// a pending update is an addition and the old value a pending deletion.
/// </summary>
/// <typeparam name="T">The object, compared by value.</typeparam>
internal sealed class ObjectDelta<T> : IEquatable<ObjectDelta<T>>, IObjectViews
    where T : KernelObject
{
    private readonly Dictionary<object, T> _desired;
    private readonly Dictionary<object, T> _observed;

    /// <summary>Pairs the two sides; dictionaries, not list scans, since a gate can carry thousands of flood entries.</summary>
    /// <param name="desired">What the target wants, in its order.</param>
    /// <param name="observed">What the kernel has of gatectl's, in the order it was observed.</param>
    public ObjectDelta(IEnumerable<T> desired, IEnumerable<T> observed)
    {
        Desired = [.. desired];
        Observed = [.. observed];
        _desired = ByKey(Desired);
        _observed = ByKey(Observed);
    }

    private ObjectDelta(IReadOnlyList<T> desired, Dictionary<object, T> desiredByKey)
    {
        Desired = desired;
        Observed = [];
        _desired = desiredByKey;
        _observed = [];
    }

    /// <summary>What the target wants, in its order.</summary>
    public IReadOnlyList<T> Desired { get; }

    /// <summary>What the kernel has of gatectl's, in the order observed.</summary>
    public IReadOnlyList<T> Observed { get; }

    /// <summary>Wanted and missing, or present with another value, in the target's order.</summary>
    public IEnumerable<T> PendingUpdates => Desired.Where(d => ObservedAs(d) is not { } o || o != d);

    /// <summary>Present and no longer wanted, in the observed order.</summary>
    public IEnumerable<T> PendingDeletions => Observed.Where(o => !_desired.ContainsKey(o.NaturalKey()));

    /// <summary>Wanted and present with the wanted value.</summary>
    public IEnumerable<T> InSync => Desired.Where(d => ObservedAs(d) == d);

    /// <summary>True when nothing is pending.</summary>
    public bool IsInSync => !PendingUpdates.Any() && !PendingDeletions.Any();

    IEnumerable<KernelObject> IObjectViews.Desired => Desired;

    IEnumerable<KernelObject> IObjectViews.Observed => Observed;

    IEnumerable<KernelObject> IObjectViews.PendingUpdates => PendingUpdates;

    IEnumerable<KernelObject> IObjectViews.PendingDeletions => PendingDeletions;

    IEnumerable<KernelObject> IObjectViews.InSync => InSync;

    /// <summary>The observed object with <paramref name="desired"/>'s key, or null when the kernel has none.</summary>
    public T? ObservedAs(T desired) => _observed.GetValueOrDefault(desired.NaturalKey());

    /// <summary>The same desired side against nothing observed (what a device made anew holds), without indexing it again.</summary>
    public ObjectDelta<T> AgainstNothing() => new(Desired, _desired);

    /// <summary>Equal when both sides hold the same objects in the same order (plans compare by value).</summary>
    public bool Equals(ObjectDelta<T>? other) =>
        other is not null && Desired.SequenceEqual(other.Desired) && Observed.SequenceEqual(other.Observed);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ObjectDelta<T>);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Desired.Count, Observed.Count, Desired.Count == 0 ? null : Desired[0], Observed.Count == 0 ? null : Observed[0]);

    private static Dictionary<object, T> ByKey(IReadOnlyList<T> items)
    {
        var byKey = new Dictionary<object, T>(items.Count);
        foreach (var item in items)
        {
            byKey.TryAdd(item.NaturalKey(), item);
        }

        return byKey;
    }
}

/// <summary>An <see cref="ObjectDelta{T}"/>'s views over the common base, so one gate's kinds read as one sequence.</summary>
internal interface IObjectViews
{
    /// <summary>What the target wants.</summary>
    IEnumerable<KernelObject> Desired { get; }

    /// <summary>What the kernel has of gatectl's.</summary>
    IEnumerable<KernelObject> Observed { get; }

    /// <summary>Wanted and missing, or present with another value.</summary>
    IEnumerable<KernelObject> PendingUpdates { get; }

    /// <summary>Present and no longer wanted.</summary>
    IEnumerable<KernelObject> PendingDeletions { get; }

    /// <summary>Wanted and present with the wanted value.</summary>
    IEnumerable<KernelObject> InSync { get; }
}
