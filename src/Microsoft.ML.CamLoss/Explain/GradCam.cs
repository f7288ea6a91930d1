using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Pipelines;
using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Explain;

/// <summary>
/// Grad-CAM (Selvaraju et al. 2017) of one image at the network's last feature map, for
/// comparison with the CAM: <c>ReLU(Σ_k w_k F_k)</c> with <c>w_k = mean_xy ∂z_c/∂F_k</c>, computed by
/// <see cref="GradientAttention"/> (<see cref="AttentionKind.GradCam"/>).
/// </summary>
internal static class GradCam
{
    /// <summary>The Grad-CAM of class <paramref name="classIndex"/> for a preprocessed float <c>[C, H, W]</c> input, at feature resolution.</summary>
    /// <remarks>
    /// The forward pass runs with autograd on (whatever the caller's grad mode) and with the input
    /// marked as requiring grad, so the feature map is on a graph even when the weights are frozen.
    /// The network stays in evaluation mode and no parameter's gradient is touched.
    /// </remarks>
    public static Heatmap Compute(ImageClassificationModel model, Tensor input, int classIndex)
    {
        using var scope = new TensorScope();
        using var grad = Autograd.EnableGrad();
        var device = model.Network.Classifier.Weight.Device;
        var x = input.Unsqueeze(0).To(device).Detach().RequiresGradInPlace();
        var output = model.Network.Forward(x);
        var classes = Tensor.FromSpan<long>([classIndex], [1]).To(device);
        var maps = GradientAttention.Compute(output.Logits, [output.Last], classes, AttentionKind.GradCam);
        return Heatmap.FromTensor(maps[0].Select(0, 0));
    }
}
