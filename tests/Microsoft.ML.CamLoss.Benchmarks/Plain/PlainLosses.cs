using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Benchmarks.Plain;

/// <summary>
/// CE + CAM-loss and ICASC written directly in TorchSharp operations, vectorised as the twin
/// <c>loss_step.py</c> writes them (and as a TorchSharp user would): no argument checks, no result
/// objects. With <see cref="PlainCifarResNet"/> they are the engine-only reference for
/// <c>CamLossFunction</c> and <c>IcascLoss</c> on our <c>CifarResNet</c>.
/// </summary>
internal static class PlainLosses
{
    private const double Epsilon = 1e-8;

    /// <summary>Cross-entropy alone.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor y) => nn.functional.cross_entropy(logits, y);

    /// <summary>
    /// <c>CE + α · mean |N(Σ_k F_k) − N(Σ_k W[y]_k F_k)|</c> with <c>N</c> the per-map min-max
    /// normalisation and the head weight detached (CAM-loss, l1 distance).
    /// </summary>
    public static Tensor CamLoss(Tensor logits, Tensor last, Tensor headWeight, Tensor y, double alpha = 3)
    {
        var cam = einsum("bk,bkhw->bhw", headWeight.detach().index_select(0, y), last);
        var camLoss = (Normalise(last.sum(1)) - Normalise(cam)).abs().mean();
        return nn.functional.cross_entropy(logits, y) + (alpha * camLoss);
    }

    /// <summary>ICASC (channel-weighted attention, σ 0.55, ω 100, θ 0.8) on the <c>inner</c> and <c>last</c> maps.</summary>
    public static Tensor Icasc(Tensor logits, Tensor inner, Tensor last, Tensor y, double sigma = 0.55, double omega = 100, double theta = 0.8)
    {
        var features = new[] { inner, last };
        var confusing = logits.detach().scatter(1, y.unsqueeze(1), full([y.shape[0], 1], double.NegativeInfinity, logits.dtype)).argmax(1);
        var truth = Attention(logits, features, y);
        var wrong = Attention(logits, features, confusing);
        var peak = truth[1].amax([1, 2], keepdim: true).clamp_min(Epsilon);
        var maskLast = sigmoid(omega * ((truth[1] / peak) - sigma));
        var maskInner = nn.functional.interpolate(
            maskLast.unsqueeze(1), size: [inner.shape[2], inner.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false).squeeze(1);
        var consistency = theta - ((truth[0] * maskInner).sum([1, 2]) / truth[0].sum([1, 2]).clamp_min(Epsilon)).mean();
        return nn.functional.cross_entropy(logits, y) + Separation(truth[0], wrong[0], maskInner) + Separation(truth[1], wrong[1], maskLast) + consistency;
    }

    private static Tensor Normalise(Tensor map)
    {
        var low = map.amin([-2, -1], keepdim: true);
        var high = map.amax([-2, -1], keepdim: true);
        return (map - low) / (high - low + Epsilon);
    }

    /// <summary><c>ReLU(Σ_k mean_xy ReLU(∂z_c/∂F_k) · F_k)</c> per layer, the gradients as constants.</summary>
    private static Tensor[] Attention(Tensor logits, Tensor[] features, Tensor classes)
    {
        var target = logits.gather(1, classes.unsqueeze(1)).sum();
        var gradients = autograd.grad([target], features, retain_graph: true);
        return [.. features.Select((f, i) => einsum("bk,bkhw->bhw", gradients[i].clamp_min(0).mean([2, 3]), f).relu())];
    }

    private static Tensor Separation(Tensor truth, Tensor confusing, Tensor mask) =>
        (2 * (minimum(truth, confusing) * mask).sum([1, 2]) / (truth + confusing).sum([1, 2]).clamp_min(Epsilon)).mean();
}
