using Microsoft.ML.CamLoss.Losses;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// CutMix (Yun et al., 2019): with <c>λ ~ Beta(α, α)</c> and a random permutation <c>π</c>, a box
/// of side <c>⌊W·√(1 − λ)⌋ × ⌊H·√(1 − λ)⌋</c> centred at a uniform pixel (clipped at the
/// borders) is pasted from <c>x[π]</c> into every image, and <c>λ</c> is recomputed as
/// <c>1 − box area / (H·W)</c>; target <c>λ·y + (1 − λ)·y[π]</c> (emitted as
/// <see cref="MixedLabels"/>). Applied with probability <see cref="MixingTransform.Probability"/>;
/// otherwise <c>λ = 1</c>. Default <c>α = 1</c>, as the paper's CIFAR and ImageNet runs.
/// </summary>
public sealed class CutMixTransform : MixingTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="alpha">Beta distribution parameter <c>α &gt; 0</c> (default 1).</param>
    /// <param name="probability">Chance a batch is mixed (default 1; the paper's CIFAR runs use 0.5).</param>
    public CutMixTransform(double alpha = 1.0, double probability = 1.0)
        : base(alpha, probability)
    {
    }

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

    private protected override Tensor Mix(Tensor images, Tensor partners, SeededRandom random, ref double lambda)
    {
        var (h, w) = ImageFunctional.Size(images);
        var (top, left, bh, bw) = SampleBox(h, w, lambda, random);
        var result = images.clone();
        if (bh > 0 && bw > 0)
        {
            using var box = ImageFunctional.Crop(result, top, left, bh, bw);
            using var source = ImageFunctional.Crop(partners, top, left, bh, bw);
            box.copy_(source);
        }

        lambda = 1 - ((double)bh * bw / (h * w));
        return result;
    }
}
