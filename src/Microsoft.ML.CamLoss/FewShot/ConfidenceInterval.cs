using System.Globalization;

namespace Microsoft.ML.CamLoss.FewShot;

/// <summary>
/// The few-shot literature's 95% confidence interval of a mean over episodes:
/// <c>mean ± 1.96 · σ / √n</c>, with <c>σ</c> the standard deviation of the <c>n</c> episode accuracies
/// taken over <c>n</c> (NumPy's <c>np.std</c>, as Chen et al.'s evaluation computes it; with 600 episodes it
/// differs from the <c>n − 1</c> form by 0.08%).
/// </summary>
/// <param name="Mean">The mean.</param>
/// <param name="HalfWidth">1.96·σ/√n.</param>
/// <param name="Count">n.</param>
public readonly record struct ConfidenceInterval(double Mean, double HalfWidth, int Count)
{
    /// <summary>The normal quantile of a two-sided 95% interval: 1.96.</summary>
    public const double Z95 = 1.96;

    /// <summary>The lower end, <c>Mean − HalfWidth</c>.</summary>
    public double Lower => Mean - HalfWidth;

    /// <summary>The upper end, <c>Mean + HalfWidth</c>.</summary>
    public double Upper => Mean + HalfWidth;

    /// <summary>The 95% interval of the mean of <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">There are no values, or one is not finite.</exception>
    public static ConfidenceInterval Of95(IReadOnlyCollection<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0 || values.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException($"A confidence interval needs at least one value, all finite; got {values.Count} values.", nameof(values));
        }

        var mean = values.Average();
        var deviation = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
        return new ConfidenceInterval(mean, Z95 * deviation / Math.Sqrt(values.Count), values.Count);
    }

    /// <summary>As percentages: <c>74.12 ± 0.84 %</c>.</summary>
    public string ToPercent() => string.Create(CultureInfo.InvariantCulture, $"{100 * Mean:F2} ± {100 * HalfWidth:F2} %");

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Mean:G6} ± {HalfWidth:G4} (n = {Count})");
}
