namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// The images a data set (and the loaders reading it) left out because
/// <see cref="ImageDatasetOptions.SkipInvalidImages"/> is on: nothing is dropped silently.
/// Safe to read while loader threads add to it.
/// </summary>
public sealed class SkipReport
{
    private readonly List<SkippedImage> _items = [];
    private readonly HashSet<string> _seen = [];

    /// <summary>Number of distinct problems recorded.</summary>
    public int Count
    {
        get
        {
            lock (_items)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>A snapshot of what was skipped, in the order it was found.</summary>
    public IReadOnlyList<SkippedImage> Items
    {
        get
        {
            lock (_items)
            {
                return [.. _items];
            }
        }
    }

    /// <summary>One line per skipped item.</summary>
    public override string ToString() => string.Join(Environment.NewLine, Items);

    /// <summary>Raises <paramref name="problem"/> unless <paramref name="skip"/>, in which case it is recorded.</summary>
    internal void SkipOrThrow(DatasetException problem, bool skip)
    {
        if (!skip)
        {
            throw problem;
        }

        Add(problem);
    }

    /// <summary>Records <paramref name="error"/>; the same problem seen again (a later epoch) is recorded once.</summary>
    internal void Add(DatasetException error)
    {
        var item = new SkippedImage(error.FilePath, error.Line, error.Problem);
        lock (_items)
        {
            if (_seen.Add(item.ToString()))
            {
                _items.Add(item);
            }
        }
    }
}
