namespace Gate.NetlinkCtl.Reconcile.Plan;

/// <summary>
/// One kind of gatectl's kernel objects on one device (its addresses, flood entries or routes), desired and observed side
/// by side. Each object is its own natural key (an address with its prefix, a flood entry's destination, a route's
/// destination and next hop), so two sides compare by value and no interface index or kernel handle is involved; an
/// object whose value changes is one deletion and one addition. The planner reads the views; so do diff, verify and
/// rollback, which are all plans.
/// </summary>
/// <typeparam name="T">The object, compared by value.</typeparam>
internal sealed class ObjectDelta<T>
    where T : notnull
{
    private readonly HashSet<T> _desired;
    private readonly HashSet<T> _observed;

    /// <summary>Pairs the two sides; sets, not list scans, since a gate can carry thousands of flood entries.</summary>
    /// <param name="desired">What the target wants, in its order.</param>
    /// <param name="observed">What the kernel has of gatectl's, in the order it was observed.</param>
    public ObjectDelta(IEnumerable<T> desired, IEnumerable<T> observed)
    {
        Desired = [.. desired];
        Observed = [.. observed];
        _desired = [.. Desired];
        _observed = [.. Observed];
    }

    /// <summary>What the target wants, in its order.</summary>
    public IReadOnlyList<T> Desired { get; }

    /// <summary>What the kernel has of gatectl's, in the order observed.</summary>
    public IReadOnlyList<T> Observed { get; }

    /// <summary>Wanted and missing, in the target's order.</summary>
    public IEnumerable<T> PendingAdditions => Desired.Where(d => !_observed.Contains(d));

    /// <summary>Present and no longer wanted, in the observed order.</summary>
    public IEnumerable<T> PendingDeletions => Observed.Where(o => !_desired.Contains(o));

    /// <summary>Wanted and present.</summary>
    public IEnumerable<T> InSync => Desired.Where(_observed.Contains);

    /// <summary>True when nothing is pending.</summary>
    public bool IsInSync => !PendingAdditions.Any() && !PendingDeletions.Any();
}
