using System.Collections;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>The class names of a data set; a class's index is its position in this list.</summary>
public sealed class ClassNames : IReadOnlyList<string>
{
    private readonly string[] _names;
    private readonly Dictionary<string, int> _index;

    /// <summary>Creates the list; names must be distinct.</summary>
    /// <exception cref="ArgumentException">A name is null or appears twice.</exception>
    public ClassNames(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        _names = [.. names];
        _index = new Dictionary<string, int>(_names.Length, StringComparer.Ordinal);
        for (var i = 0; i < _names.Length; i++)
        {
            if (_names[i] is null || !_index.TryAdd(_names[i], i))
            {
                throw new ArgumentException($"Class name '{_names[i]}' (index {i}) is null or appears twice.", nameof(names));
            }
        }
    }

    /// <summary>Number of classes.</summary>
    public int Count => _names.Length;

    /// <summary>The name of class <paramref name="index"/>.</summary>
    public string this[int index] => _names[index];

    /// <summary>The index of <paramref name="name"/> (ordinal comparison), or −1.</summary>
    public int IndexOf(string name) => _index.TryGetValue(name, out var i) ? i : -1;

    /// <inheritdoc/>
    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)_names).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
