using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// What Mixup and CutMix share: <c>α</c> and the probability, and the draw order: with
/// probability <see cref="Probability"/> the batch is mixed, then <c>λ ~ Beta(α, α)</c>, then the
/// partner permutation <c>π</c>; a batch that is not mixed comes back unchanged with <c>λ = 1</c>.
/// </summary>
public abstract class MixingTransform : IBatchTransform
{
    /// <summary>Checks and stores the settings.</summary>
    /// <param name="alpha">Beta distribution parameter <c>α &gt; 0</c>.</param>
    /// <param name="probability">Chance a batch is mixed, in [0, 1].</param>
    private protected MixingTransform(double alpha, double probability)
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
        if (images.dim() != 4 || labels.shape is not [var count] || count != images.shape[0])
        {
            throw new ArgumentException($"Mixing needs images [B, C, H, W] and labels [B]; got [{string.Join(", ", images.shape)}] and [{string.Join(", ", labels.shape)}].", nameof(labels));
        }

        using var scope = NewDisposeScope();
        if (!random.NextBool(Probability))
        {
            (partnerLabels, lambda) = (labels.clone().MoveToOuterDisposeScope(), 1.0);
            return images.clone().MoveToOuterDisposeScope();
        }

        lambda = random.NextBeta(Alpha, Alpha);
        var permutation = BatchPermutation.Draw((int)count, random);
        var mixed = Mix(images, images.index_select(0, permutation), random, ref lambda);
        partnerLabels = labels.index_select(0, permutation).MoveToOuterDisposeScope();
        return mixed.MoveToOuterDisposeScope();
    }

    /// <summary>Mixes <paramref name="images"/> with <paramref name="partners"/> (<c>x[π]</c>); may adjust <paramref name="lambda"/> to the weight actually used.</summary>
    private protected abstract Tensor Mix(Tensor images, Tensor partners, SeededRandom random, ref double lambda);
}
