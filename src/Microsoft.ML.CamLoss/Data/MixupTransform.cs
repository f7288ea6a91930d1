using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// Mixup (Zhang et al., 2018): with <c>λ ~ Beta(α, α)</c> and a random permutation <c>π</c> of
/// the batch, <c>x̃ = λ·x + (1 − λ)·x[π]</c> and the target is <c>λ·y + (1 − λ)·y[π]</c>
/// (emitted as <see cref="MixedLabels"/>). Applied with probability <see cref="Probability"/>;
/// otherwise <c>λ = 1</c>. Default <c>α = 1</c>.
/// </summary>
public sealed class MixupTransform : IBatchTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="alpha">Beta distribution parameter <c>α &gt; 0</c> (default 1: λ uniform).</param>
    /// <param name="probability">Chance a batch is mixed (default 1).</param>
    public MixupTransform(double alpha = 1.0, double probability = 1.0)
    {
        Alpha = alpha > 0 && double.IsFinite(alpha) ? alpha : throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "α must be positive.");
        Probability = probability is >= 0 and <= 1 ? probability : throw new ArgumentOutOfRangeException(nameof(probability), probability, "The probability must be in [0, 1].");
    }

    /// <summary>The Beta distribution's parameter.</summary>
    public double Alpha { get; }

    /// <summary>Chance a batch is mixed.</summary>
    public double Probability { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor images, Tensor labels, SeededRandom random, out Tensor partnerLabels, out double lambda)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(random);
        using var scope = new TensorScope();
        if (!random.NextBool(Probability))
        {
            (partnerLabels, lambda) = (scope.MoveOut(labels.Clone()), 1.0);
            return scope.MoveOut(images.Clone());
        }

        lambda = random.NextBeta(Alpha, Alpha);
        var permutation = BatchPermutation.Draw((int)images.Size(0), random);
        var partners = images.IndexSelect(0, permutation);
        var result = (images * lambda) + (partners * (1 - lambda));
        partnerLabels = scope.MoveOut(labels.IndexSelect(0, permutation));
        return scope.MoveOut(result);
    }
}
