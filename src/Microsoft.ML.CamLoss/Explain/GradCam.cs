using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Explain;

/// <summary>
/// Grad-CAM (Selvaraju et al. 2017) at the network's last feature map, for comparison with the
/// CAM: <c>ReLU(Σ_k w_k F_k)</c> with <c>w_k = mean_xy ∂z_c/∂F_k</c>, computed by
/// <see cref="GradientAttention"/> (<see cref="AttentionKind.GradCam"/>).
/// </summary>
/// <remarks>
/// For these backbones (global average pooling, then one linear layer) <c>∂z_c/∂F_k(x, y) = W[c, k] / (H·W)</c>,
/// so Grad-CAM equals <c>ReLU(CAM_c) / (H·W)</c>: it shows the CAM with its negative part cut to
/// zero, as Selvaraju et al. note (Grad-CAM generalises CAM). It is computed by autograd all the
/// same, so the gallery shows what the gradient method gives rather than what the formula predicts.
/// </remarks>
internal static class GradCam
{
    /// <summary>
    /// The Grad-CAM of class <c>classes[b]</c> for each image of a preprocessed float batch
    /// <c>[B, C, H, W]</c>, at feature resolution. In evaluation mode the samples do not interact,
    /// so each map is what the image alone would give.
    /// </summary>
    /// <remarks>
    /// The forward pass runs with autograd on (whatever the caller's grad mode) and with the input
    /// marked as requiring grad, so the feature map is on a graph even when the weights are frozen.
    /// The network stays in evaluation mode and no parameter's gradient is touched.
    /// </remarks>
    public static Heatmap[] Compute(ImageClassificationModel model, Tensor inputs, IReadOnlyList<int> classes)
    {
        using var scope = torch.NewDisposeScope();
        using var grad = torch.enable_grad();
        var weight = model.Network.Classifier.weight;
        var x = inputs.to(weight.dtype, weight.device).detach().requires_grad_();
        var output = model.Network.forward(x);
        var targets = torch.tensor(classes.Select(c => (long)c).ToArray(), [classes.Count]).to(weight.device);
        var maps = GradientAttention.Compute(output.Logits, [output.Last], targets, AttentionKind.GradCam)[0].cpu();
        return [.. Enumerable.Range(0, classes.Count).Select(b => Heatmap.FromTensor(maps[b]))];
    }
}
