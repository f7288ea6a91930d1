using System.Globalization;

namespace Microsoft.ML.CamLoss.Explain;

/// <summary>
/// <see cref="LocalizationScore"/>s over a set of images (<see cref="LocalizationMetrics.Summarize"/>): the means of
/// <see cref="LocalizationScore.MassInside"/> and <see cref="LocalizationScore.TopConcentration"/> over the maps that have
/// positive mass, and the pointing-game hit rate over all maps.
/// </summary>
/// <param name="Count">Maps scored.</param>
/// <param name="MassInside">Mean share of the positive mass on the object (maps without positive mass left out); NaN when no map has any.</param>
/// <param name="PointingGame">Hit rate: the share of maps whose highest pixel is on the object; NaN for no maps.</param>
/// <param name="TopConcentration">Mean share of the positive mass in the top 5 % of cells (maps without positive mass left out); NaN when no map has any.</param>
/// <param name="MapsWithoutPositiveMass">Maps with no positive value (left out of the two means).</param>
public sealed record LocalizationSummary(int Count, double MassInside, double PointingGame, double TopConcentration, int MapsWithoutPositiveMass)
{
    /// <summary>One line: <c>mass on object 71.2 %, pointing game 93.0 %, top-5 % concentration 18.4 % (10,000 maps)</c>.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"mass on object {MassInside:P1}, pointing game {PointingGame:P1}, top-5 % concentration {TopConcentration:P1} ({Count:N0} maps{(MapsWithoutPositiveMass > 0 ? $", {MapsWithoutPositiveMass:N0} without positive mass" : string.Empty)})");
}
