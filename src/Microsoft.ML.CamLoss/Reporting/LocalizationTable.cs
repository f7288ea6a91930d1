using System.Globalization;
using System.Xml.Linq;
using Microsoft.ML.CamLoss.Explain;

namespace Microsoft.ML.CamLoss.Reporting;

/// <summary>The report's explanation-quality table: the localisation figures of <c>evaluation.json</c> (see <see cref="LocalizationMetrics"/>).</summary>
internal static class LocalizationTable
{
    /// <summary>The table for <paramref name="summary"/>, measured on <paramref name="source"/>.</summary>
    public static XElement Render(LocalizationSummary summary, string source)
    {
        (string Name, string Meaning, double Value)[] rows =
        [
            ("mass on the object", "share of the CAM's positive mass inside the object (mask or box); higher is better", summary.MassInside),
            ("pointing game", "share of images whose CAM peak is on the object", summary.PointingGame),
            ("top-5 % concentration", "share of the positive mass in the top 5 % of the map's cells; 5 % is a uniform map, 100 % a single hot spot", summary.TopConcentration),
        ];
        return HtmlPage.Element(
            "table",
            new XAttribute("class", "metrics"),
            new XAttribute("id", "localization"),
            HtmlPage.Element("caption", string.Create(CultureInfo.InvariantCulture, $"Where the CAM of the predicted class points, {source} ({summary.Count:N0} maps)")),
            HtmlPage.Element("tbody", rows.Select(r => HtmlPage.Element(
                "tr",
                HtmlPage.Element("th", r.Name),
                HtmlPage.Element("td", new XAttribute("class", "value"), double.IsFinite(r.Value) ? (r.Value * 100).ToString("F2", CultureInfo.InvariantCulture) + "%" : "–"),
                HtmlPage.Element("td", r.Meaning)))));
    }
}
