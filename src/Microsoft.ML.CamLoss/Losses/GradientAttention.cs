using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Losses;

/// <summary>
/// Gradient-based class attention for any tapped layer <c>F^l [B, K, H, W]</c> on the path to the logits:
/// <c>A^c = ReLU(Σ_k w_k^c F^l_k)</c> with <c>w_k^c = mean_xy ReLU(∂z_c/∂F^l_k)</c> (ICASC's channel-weighted
/// attention, default) or <c>w_k^c = mean_xy ∂z_c/∂F^l_k</c> (Grad-CAM).
/// </summary>
/// <remarks>
/// The gradients come from one <c>torch.autograd.grad</c> call for all layers: the gradient of
/// <c>Σ_b z_{b, c_b}</c> (a seed of 1 on each sample's own target logit), with create_graph false, so the
/// weights <c>w</c> are constants (no double backward) while losses on <c>A</c> back-propagate through the
/// features. The graph is retained, so the caller's later <c>backward()</c> still works. The channel
/// weighting is a batched product (<c>bmm</c>) of shapes checked beforehand.
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
        var logitShape = logits.shape;
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

        if (!logits.requires_grad)
        {
            throw new InvalidOperationException("logits do not require grad: compute them from the features with autograd enabled.");
        }

        for (var i = 0; i < features.Count; i++)
        {
            if (!features[i].requires_grad)
            {
                throw new InvalidOperationException($"features[{i}] does not require grad, so no gradient of the logits reaches it: tap it on the graph of the logits.");
            }
        }

        return TorchErrors.Run(
            () =>
            {
                using var scope = torch.NewDisposeScope();
                var maps = Maps(logits, features, classes, kind);
                scope.MoveToOuter(maps);
                return maps;
            },
            "Computing gradient attention");
    }

    /// <summary>The maps without argument checks (callers check).</summary>
    internal static Tensor[] Maps(Tensor logits, IReadOnlyList<Tensor> features, Tensor classes, AttentionKind kind)
    {
        var target = logits.gather(1, classes.unsqueeze(1)).sum();
        // allow_unused: a feature the logits do not depend on comes back undefined (instead of libtorch
        // raising inside a native call that has no error handler, which would end the process).
        var gradients = torch.autograd.grad([target], [.. features], retain_graph: true, create_graph: false, allow_unused: true);
        var maps = new Tensor[features.Count];
        for (var i = 0; i < features.Count; i++)
        {
            var gradient = gradients[i];
            if (gradient is null || gradient.IsInvalid)
            {
                throw new InvalidOperationException(
                    $"The logits do not depend on features[{i}]: tap the feature map on the path to the logits (e.g. the output a backbone computed them from).");
            }

            var shape = features[i].shape;
            var weights = (kind == AttentionKind.ChannelWeighted ? gradient.relu() : gradient).mean([2, 3]);    // [B, K]
            if (!gradient.shape.AsSpan().SequenceEqual(shape) || weights.dtype != features[i].dtype)
            {
                throw new InvalidOperationException(
                    $"The gradient of features[{i}] is {LossChecks.Describe(gradient.shape)} ({gradient.dtype}), not {LossChecks.Describe(shape)} ({features[i].dtype}).");
            }

            var map = torch.bmm(weights.unsqueeze(1), features[i].flatten(2)).relu();                          // [B, 1, HW]
            maps[i] = map.view(shape[0], shape[2], shape[3]);
        }

        return maps;
    }
}
