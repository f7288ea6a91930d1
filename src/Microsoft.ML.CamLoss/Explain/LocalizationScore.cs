namespace Microsoft.ML.CamLoss.Explain;

/// <summary>How well one activation map points at its image's object (see <see cref="LocalizationMetrics.Score"/> for the formulas).</summary>
/// <param name="MassInside">Share of the map's positive mass on the object, in [0, 1]; NaN when the map has no positive value.</param>
/// <param name="PeakInside">The pointing game: the map's highest pixel is on the object.</param>
/// <param name="TopConcentration">Share of the positive mass in the top 5 % of the map's cells, in [0.05, 1] (0.05 for a uniform map, 1 for a single hot cell); NaN when the map has no positive value.</param>
public readonly record struct LocalizationScore(double MassInside, bool PeakInside, double TopConcentration);
