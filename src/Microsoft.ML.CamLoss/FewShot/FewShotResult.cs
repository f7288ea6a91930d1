using System.Globalization;

namespace Microsoft.ML.CamLoss.FewShot;

/// <summary>The outcome of one N-way K-shot setting: the query accuracy of every episode, and their mean with its 95% interval.</summary>
/// <param name="Way">N.</param>
/// <param name="Shot">K.</param>
/// <param name="Queries">Q, query images per class.</param>
/// <param name="EpisodeAccuracies">Per episode, the fraction of its <c>N·Q</c> queries classified right, in episode order.</param>
public sealed record FewShotResult(int Way, int Shot, int Queries, IReadOnlyList<double> EpisodeAccuracies)
{
    /// <summary>The mean accuracy over episodes ± 1.96·σ/√episodes (<see cref="ConfidenceInterval.Of95"/>).</summary>
    public ConfidenceInterval Accuracy => ConfidenceInterval.Of95(EpisodeAccuracies);

    /// <summary>
    /// The paired difference <c>this − other</c> over the same episodes (the same seed, data and setting give
    /// the same episodes to two models): mean ± 1.96·σ/√n of the per-episode differences, which is tighter
    /// than comparing the two intervals.
    /// </summary>
    /// <exception cref="ArgumentException">The two results are not of the same setting and number of episodes.</exception>
    public ConfidenceInterval PairedDifference(FewShotResult other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Way != Way || other.Shot != Shot || other.Queries != Queries || other.EpisodeAccuracies.Count != EpisodeAccuracies.Count)
        {
            throw new ArgumentException($"A paired difference needs the same setting and episodes: {this} vs {other}.", nameof(other));
        }

        return ConfidenceInterval.Of95([.. EpisodeAccuracies.Zip(other.EpisodeAccuracies, (a, b) => a - b)]);
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Way}-way {Shot}-shot ({Queries} queries, {EpisodeAccuracies.Count} episodes): {Accuracy.ToPercent()}");
}
