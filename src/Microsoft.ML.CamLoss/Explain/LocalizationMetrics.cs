namespace Microsoft.ML.CamLoss.Explain;

/// <summary>
/// Explanation quality, measured: how much of a class activation map lies on the object, for data with object masks or
/// boxes (<see cref="ObjectMask"/>). Three figures per map (<see cref="Score"/>) and their aggregate over a data set
/// (<see cref="Summarize"/>); for an ML.NET model's scored data, <c>mlContext.MulticlassClassification.EvaluateLocalization</c>.
/// </summary>
/// <remarks>
/// With <c>M</c> the map bilinearly upsampled to the mask's pixels and <c>P = max(M, 0)</c> its positive part, the object
/// <c>O</c> and the map's own cells <c>c</c> (at the map's resolution, <c>n</c> of them, positive parts sorted
/// <c>p(1) ≥ p(2) ≥ …</c>):
/// <list type="bullet">
/// <item><b>mass on the object</b> <c>= Σ_{x∈O} P(x) / Σ_x P(x)</c> — 1 when every positive value is on the object;</item>
/// <item><b>pointing game</b>: hit when <c>argmax_x M(x) ∈ O</c> (strict: no tolerance margin; ties go to the first pixel in
/// row-major order) — Zhang et al.'s pointing game, without its 15-pixel tolerance, which at 28 × 28 would cover half the image;</item>
/// <item><b>top-5 % concentration</b> <c>= (Σ_{i≤⌊k⌋} p(i) + (k − ⌊k⌋)·p(⌊k⌋+1)) / Σ_i p(i)</c> with <c>k = 0.05·n</c>:
/// the share of the positive mass in the top 5 % of the map's area (the boundary cell counted by its fraction, so a
/// uniform map gives exactly 0.05 at any resolution, a single hot cell 1). High values mean the map has collapsed to a
/// spot; it is computed on the map's own cells, because upsampling would spread a single cell over its neighbours.</item>
/// </list>
/// The upsampling is <see cref="Heatmap.Resize"/>: bilinear with <c>align_corners = false</c>, PyTorch's
/// <c>F.interpolate</c> default and what the CAM papers and our overlays use. Each map cell then covers the image pixels it
/// was computed from (cell centres at pixel centres of the stride grid) and the mass varies smoothly between cells, whereas
/// nearest-neighbour upsampling would move the mass in blocks of a whole stride and make the score jump with one-pixel
/// shifts of the object's edge.
/// </remarks>
public static class LocalizationMetrics
{
    /// <summary>The share of the map's cells counted by <see cref="LocalizationScore.TopConcentration"/>: 5 %.</summary>
    public const double TopFraction = 0.05;

    /// <summary>Scores <paramref name="map"/> (any resolution, covering the same frame as <paramref name="mask"/>) against the object in <paramref name="mask"/>.</summary>
    /// <exception cref="ArgumentException">The map has a NaN or infinite value.</exception>
    public static LocalizationScore Score(Heatmap map, ObjectMask mask)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(mask);
        foreach (var v in map.Values)
        {
            if (!float.IsFinite(v))
            {
                throw new ArgumentException($"The {map.Height}×{map.Width} map has a NaN or infinite value; a localisation score needs finite maps.", nameof(map));
            }
        }

        var upsampled = map.Resize(mask.Height, mask.Width);
        var values = upsampled.Values;
        var inside = mask.Inside;
        double total = 0, onObject = 0;
        var peak = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (v > values[peak])
            {
                peak = i;
            }

            if (v > 0)
            {
                total += v;
                if (inside[i])
                {
                    onObject += v;
                }
            }
        }

        return new LocalizationScore(total > 0 ? onObject / total : double.NaN, inside[peak], TopConcentration(map.Values));
    }

    /// <summary>
    /// The share of the positive mass in the top <see cref="TopFraction"/> of <paramref name="values"/>' cells, the boundary
    /// cell counted by its fraction (formula in the class remarks); NaN when no value is positive.
    /// </summary>
    public static double TopConcentration(ReadOnlySpan<float> values)
    {
        var positive = new double[values.Length];
        double total = 0;
        for (var i = 0; i < values.Length; i++)
        {
            positive[i] = Math.Max(values[i], 0);
            total += positive[i];
        }

        if (!(total > 0))
        {
            return double.NaN;
        }

        Array.Sort(positive);
        Array.Reverse(positive);
        var k = TopFraction * positive.Length;
        var whole = (int)Math.Floor(k);
        double top = 0;
        for (var i = 0; i < whole; i++)
        {
            top += positive[i];
        }

        if (whole < positive.Length)
        {
            top += (k - whole) * positive[whole];
        }

        return top / total;
    }

    /// <summary>The means and the hit rate over <paramref name="scores"/> (see <see cref="LocalizationSummary"/>).</summary>
    public static LocalizationSummary Summarize(IEnumerable<LocalizationScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        int count = 0, hits = 0, withMass = 0;
        double mass = 0, concentration = 0;
        foreach (var score in scores)
        {
            count++;
            hits += score.PeakInside ? 1 : 0;
            if (!double.IsNaN(score.MassInside))
            {
                withMass++;
                mass += score.MassInside;
                concentration += score.TopConcentration;
            }
        }

        return new LocalizationSummary(
            count,
            withMass > 0 ? mass / withMass : double.NaN,
            count > 0 ? (double)hits / count : double.NaN,
            withMass > 0 ? concentration / withMass : double.NaN,
            count - withMass);
    }
}
