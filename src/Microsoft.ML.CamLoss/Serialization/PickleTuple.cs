using System.Collections;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// A Python tuple read from a checkpoint's pickle: a fixed list of items, equal to another tuple
/// with equal items (so tuples work as dictionary keys, as in Python).
/// </summary>
public sealed class PickleTuple : IReadOnlyList<object?>, IEquatable<PickleTuple>
{
    private readonly object?[] _items;

    internal PickleTuple(object?[] items)
    {
        _items = items;
    }

    /// <summary>Number of items.</summary>
    public int Count => _items.Length;

    /// <summary>The item at <paramref name="index"/>.</summary>
    public object? this[int index] => _items[index];

    /// <summary>The items in order.</summary>
    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <summary>True when <paramref name="other"/> has the same number of items, pairwise equal.</summary>
    public bool Equals(PickleTuple? other) =>
        other is not null && _items.Length == other._items.Length && _items.Zip(other._items).All(p => Equals(p.First, p.Second));

    /// <summary>True when <paramref name="obj"/> is an equal <see cref="PickleTuple"/>.</summary>
    public override bool Equals(object? obj) => Equals(obj as PickleTuple);

    /// <summary>A hash combining the items' hashes.</summary>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var item in _items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    /// <summary>Python's notation, e.g. <c>(1, 2.5, None)</c>.</summary>
    public override string ToString() =>
        _items.Length == 1 ? $"({Show(_items[0])},)" : $"({string.Join(", ", _items.Select(Show))})";

    /// <summary>Replaces an item; only while the reader turns tensor records into tensors.</summary>
    internal void SetItem(int index, object? value) => _items[index] = value;

    private static string Show(object? item) => item switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        string s => $"'{s}'",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => item.ToString() ?? string.Empty,
    };
}
