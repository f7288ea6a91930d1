using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// CutMix (Yun et al., 2019): with <c>λ ~ Beta(α, α)</c> and a random permutation <c>π</c>, a box
/// of side <c>⌊W·√(1 − λ)⌋ × ⌊H·√(1 − λ)⌋</c> centred at a uniform pixel (clipped at the
/// borders) is pasted from <c>x[π]</c> into every image, and <c>λ</c> is recomputed as
/// <c>1 − box area / (H·W)</c>; target <c>λ·y + (1 − λ)·y[π]</c> (emitted as
/// <see cref="MixedLabels"/>). Applied with probability <see cref="Probability"/>; otherwise
/// <c>λ = 1</c>. Default <c>α = 1</c>, as the paper's CIFAR and ImageNet runs.
/// </summary>
public sealed class CutMixTransform : IBatchTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="alpha">Beta distribution parameter <c>α &gt; 0</c> (default 1).</param>
    /// <param name="probability">Chance a batch is mixed (default 1; the paper's CIFAR runs use 0.5).</param>
    public CutMixTransform(double alpha = 1.0, double probability = 1.0)
    {
        Alpha = alpha > 0 && double.IsFinite(alpha) ? alpha : throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "α must be positive.");
        Probability = probability is >= 0 and <= 1 ? probability : throw new ArgumentOutOfRangeException(nameof(probability), probability, "The probability must be in [0, 1].");
    }

    /// <summary>The Beta distribution's parameter.</summary>
    public double Alpha { get; }

    /// <summary>Chance a batch is mixed.</summary>
    public double Probability { get; }

    /// <summary>The pasted box <c>(top, left, height, width)</c> for <paramref name="lambda"/> and a centre drawn from <paramref name="random"/> (x first, then y).</summary>
    public static (int Top, int Left, int Height, int Width) SampleBox(int height, int width, double lambda, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var cut = Math.Sqrt(1 - lambda);
        var (cutW, cutH) = ((int)(width * cut), (int)(height * cut));
        var cx = random.NextInt(width);
        var cy = random.NextInt(height);
        var (x1, x2) = (Math.Clamp(cx - (cutW / 2), 0, width), Math.Clamp(cx + (cutW / 2), 0, width));
        var (y1, y2) = (Math.Clamp(cy - (cutH / 2), 0, height), Math.Clamp(cy + (cutH / 2), 0, height));
        return (y1, x1, y2 - y1, x2 - x1);
    }

    /// <inheritdoc/>
    public Tensor Apply(Tensor images, Tensor labels, SeededRandom random, out Tensor partnerLabels, out double lambda)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(random);
        using var scope = new TensorScope();
        var result = images.Clone();
        if (!random.NextBool(Probability))
        {
            (partnerLabels, lambda) = (scope.MoveOut(labels.Clone()), 1.0);
            return scope.MoveOut(result);
        }

        var (h, w) = ImageFunctional.Size(images);
        var permutation = BatchPermutation.Draw((int)images.Size(0), random);
        var (top, left, bh, bw) = SampleBox(h, w, random.NextBeta(Alpha, Alpha), random);
        if (bh > 0 && bw > 0)
        {
            var partners = images.IndexSelect(0, permutation);
            ImageFunctional.Crop(result, top, left, bh, bw).CopyFrom(ImageFunctional.Crop(partners, top, left, bh, bw));
        }

        lambda = 1 - ((double)bh * bw / (h * w));
        partnerLabels = scope.MoveOut(labels.IndexSelect(0, permutation));
        return scope.MoveOut(result);
    }
}
