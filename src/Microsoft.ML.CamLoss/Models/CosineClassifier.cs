using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Models;

/// <summary>
/// The cosine classifier of Baseline++ (Chen et al., "A Closer Look at Few-shot Classification",
/// ICLR 2019): <c>z_c = s · ⟨W_c / ‖W_c‖, f / ‖f‖⟩</c>, the cosine similarity of a sample's pooled
/// feature <c>f = GAP(F)</c> <c>[K]</c> and each class weight <c>W_c</c> (a row of <c>W [C, K]</c>, no bias),
/// times a fixed scale <c>s</c> (default <see cref="DefaultScale"/>). The normalisation is PyTorch's
/// <c>F.normalize</c>: <c>v / max(‖v‖₂, 1e-12)</c>.
/// </summary>
/// <remarks>
/// <para><b>How the normalisation enters the CAM.</b> With <c>Ŵ_c = W_c / ‖W_c‖</c>,
/// <c>z_c = (s / ‖GAP(F)‖) · mean_xy Σ_k Ŵ[c, k] F_k(x, y)</c>: the cosine logit is the spatial mean of
/// <c>CAM_c = Σ_k Ŵ[c, k] F_k</c> — the CAM of the row-normalised weights — times the positive
/// per-sample factor <c>s / ‖GAP(F)‖</c>. So the class activation map of a cosine classifier is the
/// CAM of <c>Ŵ</c>, exactly as <c>z_c = mean_xy CAM_c + b_c</c> holds for a linear head.</para>
/// <para><b>Why CAM-loss needs no change.</b> CAM-loss compares min-max normalised maps,
/// <c>N(M) = (M − min M) / (max M − min M + …)</c>, and <c>N(a·M) = N(M)</c> for every <c>a &gt; 0</c>
/// (the epsilon is relative; see <see cref="Losses.ActivationMaps"/>). The weight's row norm
/// <c>‖W_y‖</c>, the feature norm <c>‖GAP(F)‖</c> and the scale <c>s</c> are all positive factors of the
/// whole map, so <c>N(CAM)</c> — and with it <c>L_cam</c> and its gradient — is the same whether the
/// raw head weight <c>W</c> or <c>Ŵ</c> is used (tested). The trainers pass the head weight <c>W</c>
/// (detached inside the CAM, as Algorithm 1 asks). The CAAM does not involve the classifier at all.</para>
/// <para>Chen et al.'s code also re-parameterises <c>W</c> with weight normalisation and a per-class
/// learnable norm (scale 2 for ≤ 200 classes); here, as in the issue's and the CAM-loss paper's
/// description, both vectors are unit length and <c>s</c> is fixed (no extra parameter: a network with a
/// cosine head has the state dict of its linear-head twin without <c>fc.bias</c>).</para>
/// </remarks>
public static class CosineClassifier
{
    /// <summary>Default scale <c>s</c>: 10 (a fixed temperature large enough for softmax over tens of classes).</summary>
    public const double DefaultScale = 10;

    /// <summary>Lower bound of the norms the vectors are divided by (PyTorch's <c>F.normalize</c> default): 1e-12.</summary>
    public const double NormEpsilon = 1e-12;

    /// <summary>
    /// Cosine logits <c>s · normalize(features) · normalize(weight)ᵀ</c>: features <c>[B, K]</c> with
    /// weight <c>[C, K]</c> give <c>[B, C]</c>; batched, features <c>[E, B, K]</c> with weight
    /// <c>[E, C, K]</c> give <c>[E, B, C]</c> (one classifier per batch entry, e.g. per few-shot episode).
    /// Gradients reach both inputs.
    /// </summary>
    /// <param name="features">Pooled features, floating point.</param>
    /// <param name="weight">Class weights, same dtype and device.</param>
    /// <param name="scale">The scale <c>s &gt; 0</c>.</param>
    /// <exception cref="ArgumentException">The shapes, dtypes or the scale do not fit.</exception>
    public static Tensor Logits(Tensor features, Tensor weight, double scale)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(weight);
        CheckScale(scale, nameof(scale));
        var (f, w) = (features.shape, weight.shape);
        var fits = (f.Length, w.Length) switch
        {
            (2, 2) => f[1] == w[1],
            (3, 3) => f[0] == w[0] && f[2] == w[2],
            _ => false,
        };
        if (!fits)
        {
            throw new ArgumentException(
                $"A cosine classifier needs features [B, K] with weight [C, K], or [E, B, K] with [E, C, K]; got features [{string.Join(", ", f)}] and weight [{string.Join(", ", w)}].",
                nameof(weight));
        }

        if (!features.is_floating_point() || features.dtype != weight.dtype)
        {
            throw new ArgumentException($"features and weight must share one floating-point dtype; got {features.dtype} and {weight.dtype}.", nameof(weight));
        }

        return TorchErrors.Run(
            () =>
            {
                using var scope = torch.NewDisposeScope();
                var unitFeatures = Normalize(features);
                var unitWeight = Normalize(weight);
                var cosine = f.Length == 2
                    ? nn.functional.linear(unitFeatures, unitWeight)
                    : torch.bmm(unitFeatures, unitWeight.transpose(1, 2));
                return cosine.mul(scale).MoveToOuterDisposeScope();
            },
            "Computing cosine-classifier logits");
    }

    /// <summary>Each vector along the last dimension divided by its l2 norm (at least <see cref="NormEpsilon"/>): <c>Ŵ</c> for a weight.</summary>
    public static Tensor Normalize(Tensor vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        return nn.functional.normalize(vectors, p: 2, dim: -1, eps: NormEpsilon);
    }

    /// <summary>Throws unless <paramref name="scale"/> is finite and positive.</summary>
    internal static void CheckScale(double scale, string name)
    {
        if (!(scale > 0 && double.IsFinite(scale)))
        {
            throw new ArgumentOutOfRangeException(name, scale, $"The cosine classifier's scale must be finite and > 0; got {scale}.");
        }
    }
}
