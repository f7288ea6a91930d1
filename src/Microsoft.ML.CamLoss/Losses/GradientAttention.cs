using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Losses;

/// <summary>
/// Gradient-based class attention for any tapped layer <c>F^l [B, K, H, W]</c> on the path to the logits:
/// <c>A^c = ReLU(Σ_k w_k^c F^l_k)</c> with <c>w_k^c = mean_xy ReLU(∂z_c/∂F^l_k)</c> (ICASC's channel-weighted
/// attention, default) or <c>w_k^c = mean_xy ∂z_c/∂F^l_k</c> (Grad-CAM).
/// </summary>
/// <remarks>
/// The gradients come from one <see cref="Autograd.Grad"/> call for all layers: the gradient of
/// <c>Σ_b z_{b, c_b}</c> (a seed of 1 on each sample's own target logit), with create_graph false, so the
/// weights <c>w</c> are constants (no double backward) while losses on <c>A</c> back-propagate through the
/// features. The graph is retained, so the caller's later <c>Backward</c> still works.
/// </remarks>
public static class GradientAttention
{
    /// <summary>Attention maps of each sample's class at each layer.</summary>
    /// <param name="logits">Logits <c>[B, C]</c> computed from <paramref name="features"/> with autograd on.</param>
    /// <param name="features">Tapped feature maps <c>[B, K_l, H_l, W_l]</c>, each on the graph of <paramref name="logits"/>.</param>
    /// <param name="classes">Class per sample, int64 <c>[B]</c>.</param>
    /// <param name="kind">Default <see cref="AttentionKind.ChannelWeighted"/>.</param>
    /// <returns>One map <c>[B, H_l, W_l]</c> per layer, non-negative.</returns>
    public static Tensor[] Compute(Tensor logits, IReadOnlyList<Tensor> features, Tensor classes, AttentionKind kind = AttentionKind.ChannelWeighted)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(features);
        var logitShape = logits.Shape;
        if (logitShape.Length != 2)
        {
            throw new ArgumentException($"logits must be [B, C]; got {LossChecks.Describe(logitShape)}.", nameof(logits));
        }

        if (features.Count == 0)
        {
            throw new ArgumentException("At least one feature map is required.", nameof(features));
        }

        for (var i = 0; i < features.Count; i++)
        {
            var shape = LossChecks.FeatureMap(features[i], $"features[{i}]");
            if (shape[0] != logitShape[0])
            {
                throw new ArgumentException(
                    $"features[{i}] {LossChecks.Describe(shape)} and logits {LossChecks.Describe(logitShape)} differ in batch size.", nameof(features));
            }
        }

        LossChecks.Labels(classes, logitShape[0], nameof(classes), nameof(logits));
        LossChecks.Defined(kind, nameof(kind));

        if (!logits.RequiresGrad)
        {
            throw new InvalidOperationException("logits do not require grad: compute them from the features with autograd enabled.");
        }

        using var scope = new TensorScope();
        var maps = Maps(logits, features, classes, kind);
        return Array.ConvertAll(maps, scope.MoveOut);
    }

    /// <summary>The maps without argument checks (callers check).</summary>
    internal static Tensor[] Maps(Tensor logits, IReadOnlyList<Tensor> features, Tensor classes, AttentionKind kind)
    {
        var target = logits.Gather(1, classes.Unsqueeze(1)).Sum();
        var gradients = Autograd.Grad([target], features, retainGraph: true, createGraph: false);
        var maps = new Tensor[features.Count];
        for (var i = 0; i < features.Count; i++)
        {
            var gradient = gradients[i]!;
            var weights = (kind == AttentionKind.ChannelWeighted ? gradient.Relu() : gradient).Mean([2, 3]);   // [B, K]
            var map = weights.Unsqueeze(1).MatMul(features[i].Flatten(2)).Relu();                               // [B, 1, HW]
            maps[i] = map.View(features[i].Size(0), features[i].Size(2), features[i].Size(3));
        }

        return maps;
    }
}
