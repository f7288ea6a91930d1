using System.Collections;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// A Python tuple read from a checkpoint's pickle: a fixed list of items, equal to another tuple
/// with equal items (so tuples work as dictionary keys, as in Python).
/// </summary>
public sealed class PickleTuple : IReadOnlyList<object?>, IEquatable<PickleTuple>
{
    private const int MaxKeyDepth = 64;
    private const int MaxShownDepth = 4;

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

    /// <summary>Python's notation, e.g. <c>(1, 2.5, None)</c>; tuples nested deeper than a few levels show as <c>(...)</c>.</summary>
    public override string ToString() => Show(this, depth: 0);

    /// <summary>
    /// <paramref name="key"/>, a dict key or set item, once checked to nest tuples at most
    /// <see cref="MaxKeyDepth"/> deep: hashing and comparing tuples recurse, and a crafted pickle must
    /// not overflow the stack.
    /// </summary>
    internal static object? CheckedKey(object? key)
    {
        var pending = new Stack<(PickleTuple Tuple, int Depth)>();
        if (key is PickleTuple root)
        {
            pending.Push((root, 1));
        }

        while (pending.TryPop(out var entry))
        {
            if (entry.Depth > MaxKeyDepth)
            {
                throw new InvalidPickleException($"a dict key or set item nests tuples more than {MaxKeyDepth} deep.");
            }

            foreach (var item in entry.Tuple._items)
            {
                if (item is PickleTuple nested)
                {
                    pending.Push((nested, entry.Depth + 1));
                }
            }
        }

        return key;
    }

    /// <summary>Replaces an item; only while the reader turns tensor records into tensors.</summary>
    internal void SetItem(int index, object? value) => _items[index] = value;

    /// <summary>One pickled value as a message shows it (Python's spelling; huge integers by their size, not their digits).</summary>
    internal static string Show(object? item) => Show(item, depth: 0);

    private static string Show(object? item, int depth) => item switch
    {
        null => "None",
        System.Numerics.BigInteger big when big.GetByteCount() > 16 => $"an integer of about {(long)(big.GetByteCount() * 2.408)} digits",
        bool b => b ? "True" : "False",
        string s => $"'{s}'",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        PickleTuple when depth >= MaxShownDepth => "(...)",
        PickleTuple { Count: 1 } t => $"({Show(t[0], depth + 1)},)",
        PickleTuple t => $"({string.Join(", ", t.Select(i => Show(i, depth + 1)))})",
        _ => item.ToString() ?? string.Empty,
    };
}
