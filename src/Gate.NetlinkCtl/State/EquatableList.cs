using System.Collections;
using System.Collections.Immutable;

namespace Gate.NetlinkCtl.State;

/// <summary>An immutable list with value equality, so records that hold lists compare by content.</summary>
/// <typeparam name="T">Element type; its own equality decides.</typeparam>
internal sealed class EquatableList<T> : IReadOnlyList<T>, IEquatable<EquatableList<T>>
{
    private readonly ImmutableArray<T> _items;

    /// <summary>Wraps the given items.</summary>
    public EquatableList(IEnumerable<T> items) => _items = [.. items];

    /// <summary>The empty list.</summary>
    public static EquatableList<T> Empty { get; } = new([]);

    /// <inheritdoc />
    public int Count => _items.Length;

    /// <inheritdoc />
    public T this[int index] => _items[index];

    /// <inheritdoc />
    public bool Equals(EquatableList<T>? other) =>
        other is not null && _items.AsSpan().SequenceEqual(other._items.AsSpan(), EqualityComparer<T>.Default);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as EquatableList<T>);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => "[" + string.Join(", ", _items) + "]";
}

/// <summary>Builds <see cref="EquatableList{T}"/> values.</summary>
internal static class EquatableList
{
    /// <summary>Copies a sequence into an equatable list.</summary>
    public static EquatableList<T> ToEquatableList<T>(this IEnumerable<T> items) => new(items);
}
