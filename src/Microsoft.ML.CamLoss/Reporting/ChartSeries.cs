namespace Microsoft.ML.CamLoss.Reporting;

/// <summary>One line of a <see cref="SvgLineChart"/>.</summary>
/// <param name="Name">The legend text (also the polyline's <c>data-series</c>).</param>
/// <param name="Points">The data, in drawing order; points with a non-finite coordinate are left out.</param>
/// <param name="Markers">Draw a dot at every point (for sparse per-epoch data, where a single point has no line).</param>
internal sealed record ChartSeries(string Name, IReadOnlyList<(double X, double Y)> Points, bool Markers = false)
{
    /// <summary>The points that can be drawn.</summary>
    public IReadOnlyList<(double X, double Y)> FinitePoints { get; } = [.. Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y))];
}
