using Microsoft.ML.CamLoss.Losses;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// Mixup (Zhang et al., 2018): with <c>λ ~ Beta(α, α)</c> and a random permutation <c>π</c> of
/// the batch, <c>x̃ = λ·x + (1 − λ)·x[π]</c> and the target is <c>λ·y + (1 − λ)·y[π]</c>
/// (emitted as <see cref="MixedLabels"/>). Applied with probability <see cref="MixingTransform.Probability"/>;
/// otherwise <c>λ = 1</c>. Default <c>α = 1</c>.
/// </summary>
public sealed class MixupTransform : MixingTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="alpha">Beta distribution parameter <c>α &gt; 0</c> (default 1: λ uniform).</param>
    /// <param name="probability">Chance a batch is mixed (default 1).</param>
    public MixupTransform(double alpha = 1.0, double probability = 1.0)
        : base(alpha, probability)
    {
    }

    private protected override Tensor Mix(Tensor images, Tensor partners, SeededRandom random, ref double lambda)
    {
        using var own = images * lambda;
        using var other = partners * (1 - lambda);
        return own + other;
    }
}
