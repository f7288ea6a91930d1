using Microsoft.ML.Data;

namespace Microsoft.ML.CamLoss.Samples;

/// <summary>Smaller copies of an image-file data view for quick runs (columns <c>ImagePath</c> and <c>Label</c> only).</summary>
internal static class SampleData
{
    /// <summary>
    /// The rows of <paramref name="train"/> and <paramref name="test"/> whose class is one of the first <paramref name="classes"/>
    /// classes of <paramref name="train"/> (in the order they first appear); both unchanged when null.
    /// </summary>
    public static (IDataView Train, IDataView Test) FirstClasses(MLContext ml, IDataView train, IDataView test, int? classes)
    {
        if (classes is not { } count)
        {
            return (train, test);
        }

        var trainRows = ml.Data.CreateEnumerable<LabeledImage>(train, reuseRowObject: false).ToList();
        var kept = trainRows.Select(r => r.Label).Distinct().Take(count).ToHashSet(StringComparer.Ordinal);
        var testRows = ml.Data.CreateEnumerable<LabeledImage>(test, reuseRowObject: false);
        return (ml.Data.LoadFromEnumerable(trainRows.Where(r => kept.Contains(r.Label)).ToList()),
                ml.Data.LoadFromEnumerable(testRows.Where(r => kept.Contains(r.Label)).ToList()));
    }

    /// <summary>About <paramref name="count"/> rows, every k-th: the same share of each class when rows are grouped by class; all rows when null.</summary>
    public static IDataView EveryNth(MLContext ml, IDataView data, int? count)
    {
        if (count is not { } wanted)
        {
            return data;
        }

        var rows = ml.Data.CreateEnumerable<LabeledImage>(data, reuseRowObject: false).ToList();
        var step = Math.Max(1, rows.Count / wanted);
        return ml.Data.LoadFromEnumerable(rows.Where((_, i) => i % step == 0).Take(wanted).ToList());
    }

    /// <summary>The number of rows and of distinct labels.</summary>
    public static (int Rows, int Classes) Count(MLContext ml, IDataView data)
    {
        var labels = data.GetColumn<string>("Label").ToList();
        return (labels.Count, labels.Distinct(StringComparer.Ordinal).Count());
    }
}
