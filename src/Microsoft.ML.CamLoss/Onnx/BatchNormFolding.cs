using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>
/// BatchNorm in evaluation mode is the per-channel affine map <c>y = s·x + t</c> with
/// <c>s = γ / √(σ² + ε)</c> and <c>t = β − μ·s</c> (running mean μ and variance σ²). After a
/// convolution <c>W x + b</c> it folds into the convolution: <c>W' = W·s</c> (per output channel),
/// <c>b' = (b − μ)·s + β</c>. Computed in float64 from the stored values and rounded once to float32,
/// so the folded graph differs from the unfolded one by float32 rounding only.
/// </summary>
internal static class BatchNormFolding
{
    /// <summary>The folded weight <c>W'</c> (shape of the convolution's weight) and bias <c>b'</c> (one per output channel), float32.</summary>
    /// <exception cref="NotSupportedException">The BatchNorm does not fit the convolution, or has no running statistics.</exception>
    public static (float[] Weight, float[] Bias) Fold(Conv2d conv, BatchNorm2d batchNorm)
    {
        if (batchNorm.num_features != conv.out_channels)
        {
            throw new NotSupportedException($"Cannot fold a BatchNorm of {batchNorm.num_features} channels into a convolution with {conv.out_channels} outputs.");
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var (scale, mean, beta) = Statistics(batchNorm);
        var weight = Double(conv.weight) * scale.view(-1, 1, 1, 1);
        var bias = ((conv.bias is null ? torch.zeros_like(mean) : Double(conv.bias)) - mean) * scale + beta;
        return (OnnxLayerWriter.Floats(weight), OnnxLayerWriter.Floats(bias));
    }

    /// <summary>
    /// γ and β of <paramref name="batchNorm"/> as float32 (1 and 0 for a BatchNorm without affine
    /// parameters), for a <c>BatchNormalization</c> node.
    /// </summary>
    public static (float[] Scale, float[] Shift) Affine(BatchNorm2d batchNorm)
    {
        using var scope = torch.NewDisposeScope();
        var n = batchNorm.num_features;
        return batchNorm.affine
            ? (OnnxLayerWriter.Floats(batchNorm.weight), OnnxLayerWriter.Floats(batchNorm.bias!))
            : (OnnxLayerWriter.Floats(torch.ones(n)), OnnxLayerWriter.Floats(torch.zeros(n)));
    }

    /// <summary>Refuses a BatchNorm that normalises with batch statistics in evaluation mode (no running statistics): its output depends on the batch.</summary>
    /// <exception cref="NotSupportedException">The BatchNorm keeps no running statistics.</exception>
    public static void CheckEvaluationMode(BatchNorm2d batchNorm, string path)
    {
        if (!batchNorm.track_running_stats || batchNorm.running_mean is null || batchNorm.running_var is null)
        {
            throw ModuleChildren.Unsupported(batchNorm, path, "it keeps no running statistics, so in evaluation mode it normalises with each batch's own (a graph cannot reproduce that per image)");
        }
    }

    /// <summary><c>s = γ / √(σ² + ε)</c>, μ and β in float64 on the CPU.</summary>
    private static (Tensor Scale, Tensor Mean, Tensor Beta) Statistics(BatchNorm2d batchNorm)
    {
        var mean = Double(batchNorm.running_mean!);
        var variance = Double(batchNorm.running_var!);
        var gamma = batchNorm.affine ? Double(batchNorm.weight) : torch.ones_like(mean);
        var beta = batchNorm.affine ? Double(batchNorm.bias!) : torch.zeros_like(mean);
        return (gamma / (variance + batchNorm.eps).sqrt(), mean, beta);
    }

    private static Tensor Double(Tensor tensor) => tensor.detach().to(ScalarType.Float64, torch.CPU);
}
