using System.Globalization;
using System.Xml.Linq;

namespace Microsoft.ML.CamLoss.Reporting;

/// <summary>The summary metrics (ML.NET's names) as a two-column table; absent metrics are left out.</summary>
internal static class MetricsTable
{
    /// <summary>The table for <paramref name="metrics"/>.</summary>
    public static XElement Render(ReportMetrics metrics)
    {
        var k = metrics.TopKPredictionCount?.ToString(CultureInfo.InvariantCulture) ?? "k";
        (string Name, string Meaning, double? Value, bool Percent)[] rows =
        [
            ("MicroAccuracy", "share of images classified correctly", metrics.MicroAccuracy, true),
            ("MacroAccuracy", "mean of the per-class accuracies", metrics.MacroAccuracy, true),
            ($"TopKAccuracy (k = {k})", $"true class among the {k} most probable", metrics.TopKAccuracy, true),
            ("LogLoss", "mean −log p(true class); lower is better", metrics.LogLoss, false),
            ("LogLossReduction", "improvement over predicting class frequencies; 1 is perfect", metrics.LogLossReduction, false),
        ];
        return HtmlPage.Element(
            "table",
            new XAttribute("class", "metrics"),
            new XAttribute("id", "metrics"),
            HtmlPage.Element("caption", $"Metrics, {metrics.Source}"),
            HtmlPage.Element("tbody", rows.Where(r => r.Value is not null).Select(r => HtmlPage.Element(
                "tr",
                HtmlPage.Element("th", r.Name),
                HtmlPage.Element("td", new XAttribute("class", "value"), r.Percent ? (r.Value!.Value * 100).ToString("F2", CultureInfo.InvariantCulture) + "%" : r.Value!.Value.ToString("F4", CultureInfo.InvariantCulture)),
                HtmlPage.Element("td", r.Meaning)))));
    }
}
