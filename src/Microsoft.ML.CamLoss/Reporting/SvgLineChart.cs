using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace Microsoft.ML.CamLoss.Reporting;

/// <summary>
/// A line chart of training progress as inline SVG (no script, no external style): the horizontal
/// axis runs from 0 to at least 1 (epochs); a framed plot area with a light
/// grid at "nice" ticks (<see cref="NiceScale"/>), tick labels, axis titles, a title, a legend on
/// the title line, and one <c>polyline</c> per series (its <c>data-series</c> names it, its
/// <c>data-points</c> counts its points), with dots for series that ask for markers. Styling is
/// in presentation attributes, so the chart looks the same wherever the SVG is pasted.
/// </summary>
internal static class SvgLineChart
{
    /// <summary>Width of the chart's view box, in pixels.</summary>
    public const int Width = 560;

    /// <summary>Height of the chart's view box, in pixels.</summary>
    public const int Height = 300;

    private const double Left = 68;
    private const double Right = 18;
    private const double Top = 36;
    private const double Bottom = 46;
    private const double CharacterWidth = 6.2;
    private const string FontFamily = "system-ui, sans-serif";

    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

    /// <summary>Draws the chart.</summary>
    /// <param name="id">Identifier of the plot: the SVG gets <c>id="plot-{id}"</c> and <c>data-plot="{id}"</c>.</param>
    /// <param name="title">Title drawn above the plot (and the SVG's accessible name).</param>
    /// <param name="xLabel">Title of the horizontal axis.</param>
    /// <param name="yLabel">Title of the vertical axis.</param>
    /// <param name="series">The lines, drawn in order and coloured from a fixed palette; a series without drawable points is left out (also from the legend).</param>
    /// <param name="yInclude">A value the vertical axis must include (e.g. 0 for an error rate), or null.</param>
    /// <param name="yLabelFormat">How tick labels of the vertical axis are written; default the scale's own.</param>
    public static XElement Render(
        string id, string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> series, double? yInclude = null, Func<double, string>? yLabelFormat = null)
    {
        series = [.. series.Where(s => s.FinitePoints.Count > 0)];
        var points = series.SelectMany(s => s.FinitePoints).ToArray();

        // Training progress starts at 0 and the axis spans at least one epoch, so a run cut short in its first epoch reads as such.
        double xLow = Math.Min(0, points.Length > 0 ? points.Min(p => p.X) : 0), xHigh = Math.Max(1, points.Length > 0 ? points.Max(p => p.X) : 1);
        double yLow = points.Length > 0 ? points.Min(p => p.Y) : 0, yHigh = points.Length > 0 ? points.Max(p => p.Y) : 1;
        if (yInclude is { } include)
        {
            (yLow, yHigh) = (Math.Min(yLow, include), Math.Max(yHigh, include));
        }

        var xScale = NiceScale.For(xLow, xHigh, ticks: 6);
        var yScale = NiceScale.For(yLow, yHigh, ticks: 5);
        const double plotWidth = Width - Left - Right, plotHeight = Height - Top - Bottom;
        double X(double x) => Left + ((x - xScale.Min) / (xScale.Max - xScale.Min) * plotWidth);
        double Y(double y) => Top + plotHeight - ((y - yScale.Min) / (yScale.Max - yScale.Min) * plotHeight);

        var svg = new XElement(
            "svg",
            new XAttribute("id", "plot-" + id),
            new XAttribute("class", "chart"),
            new XAttribute("data-plot", id),
            new XAttribute("viewBox", string.Create(CultureInfo.InvariantCulture, $"0 0 {Width} {Height}")),
            new XAttribute("width", Width),
            new XAttribute("height", Height),
            new XAttribute("role", "img"),
            new XAttribute("aria-label", title),
            new XElement("title", title),
            new XElement("rect", Attributes(("x", Left), ("y", Top), ("width", plotWidth), ("height", plotHeight)), new XAttribute("fill", "#ffffff"), new XAttribute("stroke", "#bbbbbb")));

        foreach (var tick in yScale.Ticks)
        {
            var y = Y(tick);
            svg.Add(
                new XElement("line", Attributes(("x1", Left), ("y1", y), ("x2", Left + plotWidth), ("y2", y)), new XAttribute("stroke", "#e6e6e6")),
                Text(Left - 6, y + 4, yLabelFormat?.Invoke(tick) ?? yScale.Label(tick), "end", "tick"));
        }

        foreach (var tick in xScale.Ticks)
        {
            var x = X(tick);
            svg.Add(
                new XElement("line", Attributes(("x1", x), ("y1", Top), ("x2", x), ("y2", Top + plotHeight)), new XAttribute("stroke", "#e6e6e6")),
                Text(x, Top + plotHeight + 16, xScale.Label(tick), "middle", "tick"));
        }

        svg.Add(
            Text(Left, 20, title, "start", "chart-title", bold: true),
            Text(Left + (plotWidth / 2), Height - 8, xLabel, "middle", "axis-label"),
            new XElement(
                "text",
                Attributes(("x", -(Top + (plotHeight / 2))), ("y", 16)),
                new XAttribute("transform", "rotate(-90)"),
                new XAttribute("text-anchor", "middle"),
                new XAttribute("class", "axis-label"),
                new XAttribute("font-size", 12),
                new XAttribute("fill", "#333333"),
                new XAttribute("font-family", FontFamily),
                yLabel));

        var legendRight = Width - Right;
        for (var i = series.Count - 1; i >= 0; i--)
        {
            var colour = Palette[i % Palette.Length];
            var textWidth = series[i].Name.Length * CharacterWidth;
            var start = legendRight - textWidth - 24;
            svg.Add(
                new XElement("line", Attributes(("x1", start), ("y1", 16), ("x2", start + 18), ("y2", 16)), new XAttribute("stroke", colour), new XAttribute("stroke-width", 2.5)),
                Text(start + 22, 20, series[i].Name, "start", "legend"));
            legendRight = start - 14;
        }

        for (var i = 0; i < series.Count; i++)
        {
            var colour = Palette[i % Palette.Length];
            var drawn = series[i].FinitePoints;
            var coordinates = new StringBuilder();
            foreach (var (x, y) in drawn)
            {
                coordinates.Append(coordinates.Length > 0 ? " " : string.Empty).Append(CultureInfo.InvariantCulture, $"{X(x):F1},{Y(y):F1}");
            }

            svg.Add(new XElement(
                "polyline",
                new XAttribute("data-series", series[i].Name),
                new XAttribute("data-points", drawn.Count),
                new XAttribute("points", coordinates.ToString()),
                new XAttribute("fill", "none"),
                new XAttribute("stroke", colour),
                new XAttribute("stroke-width", 1.8),
                new XAttribute("stroke-linejoin", "round")));
            if (series[i].Markers || drawn.Count == 1)
            {
                svg.Add(drawn.Select(p => new XElement("circle", Attributes(("cx", X(p.X)), ("cy", Y(p.Y)), ("r", 3)), new XAttribute("fill", colour))));
            }
        }

        if (points.Length == 0)
        {
            svg.Add(Text(Left + (plotWidth / 2), Top + (plotHeight / 2), "no data yet", "middle", "empty"));
        }

        return svg;
    }

    private static XElement Text(double x, double y, string text, string anchor, string cssClass, bool bold = false) => new(
        "text",
        Attributes(("x", x), ("y", y)),
        new XAttribute("text-anchor", anchor),
        new XAttribute("class", cssClass),
        new XAttribute("font-size", bold ? 13 : 11),
        new XAttribute("fill", "#333333"),
        new XAttribute("font-family", FontFamily),
        bold ? new XAttribute("font-weight", "bold") : null,
        text);

    private static IEnumerable<XAttribute> Attributes(params (string Name, double Value)[] values) =>
        values.Select(v => new XAttribute(v.Name, v.Value.ToString("0.#", CultureInfo.InvariantCulture)));
}
