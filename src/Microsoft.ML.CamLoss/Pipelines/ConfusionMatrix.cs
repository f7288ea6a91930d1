using System.Globalization;
using System.Text;

namespace Microsoft.ML.CamLoss.Pipelines;

/// <summary>
/// Counts of (true class, predicted class) pairs, as ML.NET's <c>ConfusionMatrix</c>: rows are the
/// true classes, columns the predicted ones; with per-class precision and recall.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[,] _counts;

    internal ConfusionMatrix(long[,] counts, IReadOnlyList<string> classNames)
    {
        _counts = counts;
        ClassNames = classNames;
        var n = counts.GetLength(0);
        var precision = new double[n];
        var recall = new double[n];
        for (var c = 0; c < n; c++)
        {
            long row = 0, column = 0;
            for (var k = 0; k < n; k++)
            {
                row += counts[c, k];
                column += counts[k, c];
            }

            recall[c] = row == 0 ? 0 : (double)counts[c, c] / row;
            precision[c] = column == 0 ? 0 : (double)counts[c, c] / column;
        }

        PerClassPrecision = precision;
        PerClassRecall = recall;
    }

    /// <summary>Number of classes.</summary>
    public int NumberOfClasses => _counts.GetLength(0);

    /// <summary>Class names, in index order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary><c>TP_c / (TP_c + FP_c)</c> per class (0 when the class is never predicted).</summary>
    public IReadOnlyList<double> PerClassPrecision { get; }

    /// <summary><c>TP_c / (TP_c + FN_c)</c> per class (0 when the class never occurs).</summary>
    public IReadOnlyList<double> PerClassRecall { get; }

    /// <summary>Samples of true class <paramref name="truth"/> predicted as <paramref name="predicted"/>.</summary>
    public long GetCount(int truth, int predicted) => _counts[truth, predicted];

    /// <summary>A printable table (as ML.NET's <c>GetFormattedConfusionTable</c>): counts with recall per row and precision per column.</summary>
    public string GetFormattedConfusionTable()
    {
        var n = NumberOfClasses;
        var width = Math.Max(7, _counts.Cast<long>().Max().ToString(CultureInfo.InvariantCulture).Length + 1);
        var labelWidth = Math.Max(10, Enumerable.Range(0, n).Max(t => $"{t}. {ClassNames[t]}".Length) + 1);
        var text = new StringBuilder();
        text.AppendLine("Confusion table (rows: truth, columns: predicted)");
        text.Append("PREDICTED".PadRight(labelWidth)).Append('|');
        for (var c = 0; c < n; c++)
        {
            text.Append(c.ToString(CultureInfo.InvariantCulture).PadLeft(width));
        }

        text.AppendLine(" | Recall");
        for (var t = 0; t < n; t++)
        {
            text.Append($"{t}. {ClassNames[t]}".PadRight(labelWidth)).Append('|');
            for (var p = 0; p < n; p++)
            {
                text.Append(_counts[t, p].ToString(CultureInfo.InvariantCulture).PadLeft(width));
            }

            text.Append(" | ").AppendLine(PerClassRecall[t].ToString("F4", CultureInfo.InvariantCulture));
        }

        text.Append("Precision".PadRight(labelWidth)).Append('|');
        foreach (var precision in PerClassPrecision)
        {
            text.Append(precision.ToString("F4", CultureInfo.InvariantCulture).PadLeft(width));
        }

        return text.AppendLine().ToString();
    }
}
