using System.Globalization;
using System.Xml.Linq;

namespace Microsoft.ML.CamLoss.Reporting;

/// <summary>
/// The confusion matrix as a shaded HTML table: rows are the true classes, columns the predicted
/// ones; each count cell is shaded by its share of the row (blue on the diagonal, red off it), so
/// a class's recall and where its errors go read at a glance. Each row ends with the class's
/// recall and log loss; the last row holds each class's precision. Count cells carry
/// <c>class="count"</c> with <c>data-truth</c> and <c>data-predicted</c>.
/// </summary>
internal static class ConfusionMatrixTable
{
    /// <summary>Above this many classes the table is drawn small (<c>class="matrix dense"</c>).</summary>
    private const int DenseFrom = 25;

    /// <summary>The table for <paramref name="metrics"/>, whose <see cref="ReportMetrics.Counts"/> must be set.</summary>
    public static XElement Render(ReportMetrics metrics)
    {
        var counts = metrics.Counts ?? throw new ArgumentException("The metrics have no confusion matrix.", nameof(metrics));
        var names = metrics.ClassNames;
        var n = counts.Length;
        var hasLogLoss = metrics.PerClassLogLoss.Count == n;
        var columnTotals = Enumerable.Range(0, n).Select(p => counts.Sum(row => row[p])).ToArray();

        var header = HtmlPage.Element(
            "tr",
            HtmlPage.Element("th", new XAttribute("class", "corner"), "true \\ predicted"),
            names.Select(name => HtmlPage.Element("th", new XAttribute("class", "predicted"), new XAttribute("title", name), HtmlPage.Element("span", name))),
            HtmlPage.Element("th", "recall"),
            hasLogLoss ? HtmlPage.Element("th", "log loss") : null);

        var body = HtmlPage.Element("tbody");
        for (var t = 0; t < n; t++)
        {
            var rowTotal = counts[t].Sum();
            var row = HtmlPage.Element("tr", HtmlPage.Element("th", new XAttribute("class", "truth"), names[t]));
            for (var p = 0; p < n; p++)
            {
                row.Add(Cell(counts[t][p], rowTotal, t, p, names));
            }

            row.Add(HtmlPage.Element("td", new XAttribute("class", "recall"), rowTotal == 0 ? "–" : Percent((double)counts[t][t] / rowTotal)));
            if (hasLogLoss)
            {
                row.Add(HtmlPage.Element("td", new XAttribute("class", "logloss"), metrics.PerClassLogLoss[t] is { } loss ? loss.ToString("F3", CultureInfo.InvariantCulture) : "–"));
            }

            body.Add(row);
        }

        var precision = HtmlPage.Element("tr", HtmlPage.Element("th", new XAttribute("class", "truth"), "precision"));
        for (var p = 0; p < n; p++)
        {
            precision.Add(HtmlPage.Element("td", new XAttribute("class", "precision"), columnTotals[p] == 0 ? "–" : Percent((double)counts[p][p] / columnTotals[p])));
        }

        precision.Add(HtmlPage.Element("td", string.Empty), hasLogLoss ? HtmlPage.Element("td", string.Empty) : null);
        body.Add(precision);

        return HtmlPage.Element(
            "table",
            new XAttribute("id", "confusion-matrix"),
            new XAttribute("class", n >= DenseFrom ? "matrix dense" : "matrix"),
            new XAttribute("data-classes", n),
            new XAttribute("data-total", metrics.Total),
            HtmlPage.Element(
                "caption",
                string.Create(CultureInfo.InvariantCulture, $"Confusion matrix, {metrics.Source}: {metrics.Total} images. Rows: true class; columns: predicted class; shade: share of the row.")),
            HtmlPage.Element("thead", header),
            body);
    }

    private static XElement Cell(long count, long rowTotal, int truth, int predicted, IReadOnlyList<string> names)
    {
        var share = rowTotal == 0 ? 0 : (double)count / rowTotal;
        var (r, g, b) = truth == predicted ? (31, 119, 180) : (214, 39, 40);
        var style = count == 0
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"background-color: rgba({r}, {g}, {b}, {0.08 + (0.82 * share):F3}); color: {(share > 0.5 ? "#ffffff" : "#222222")}");
        return HtmlPage.Element(
            "td",
            new XAttribute("class", count == 0 ? "count zero" : "count"),
            new XAttribute("data-truth", truth),
            new XAttribute("data-predicted", predicted),
            new XAttribute("title", string.Create(CultureInfo.InvariantCulture, $"true {names[truth]}, predicted {names[predicted]}: {count} of {rowTotal}")),
            style is null ? null : new XAttribute("style", style),
            count.ToString(CultureInfo.InvariantCulture));
    }

    private static string Percent(double value) => (value * 100).ToString("F0", CultureInfo.InvariantCulture) + "%";
}
