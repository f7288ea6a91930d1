using System.Runtime.InteropServices;

namespace Microsoft.ML.CamLoss.Torch.Interop;

/// <summary>Native exports of <c>nn.cpp</c>: the functional operations of a CNN.</summary>
internal static unsafe partial class NnInterop
{
    private const string Lib = NativeLibraryName.Value;

    [LibraryImport(Lib)]
    internal static partial int camloss_conv2d(TensorHandle x, TensorHandle weight, TensorHandle bias, long* stride, long* padding, long* dilation, long groups, out TensorHandle result);

    [LibraryImport(Lib)]
    internal static partial int camloss_batch_norm(TensorHandle x, TensorHandle weight, TensorHandle bias, TensorHandle runningMean, TensorHandle runningVar, int training, double momentum, double eps, out TensorHandle result);

    [LibraryImport(Lib)] internal static partial int camloss_linear(TensorHandle x, TensorHandle weight, TensorHandle bias, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_softmax(TensorHandle x, long dim, int log, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_leaky_relu(TensorHandle x, double slope, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_relu_(TensorHandle x);
    [LibraryImport(Lib)] internal static partial int camloss_dropout(TensorHandle x, double p, int training, out TensorHandle result);

    [LibraryImport(Lib)]
    internal static partial int camloss_max_pool2d(TensorHandle x, long* kernel, long* stride, long* padding, long* dilation, int ceilMode, out TensorHandle result);

    [LibraryImport(Lib)]
    internal static partial int camloss_avg_pool2d(TensorHandle x, long* kernel, long* stride, long* padding, int ceilMode, int countIncludePad, out TensorHandle result);

    [LibraryImport(Lib)] internal static partial int camloss_adaptive_pool2d(int kind, TensorHandle x, long* outputSize, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_interpolate_bilinear(TensorHandle x, long* size, int alignCorners, int antialias, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_pad(TensorHandle x, long* pads, long count, int mode, double value, out TensorHandle result);

    [LibraryImport(Lib)]
    internal static partial int camloss_cross_entropy(TensorHandle logits, TensorHandle target, TensorHandle weight, int reduction, long ignoreIndex, double labelSmoothing, out TensorHandle result);

    [LibraryImport(Lib)]
    internal static partial int camloss_nll_loss(TensorHandle logProbs, TensorHandle target, TensorHandle weight, int reduction, long ignoreIndex, out TensorHandle result);

    [LibraryImport(Lib)] internal static partial int camloss_kl_div(TensorHandle logInput, TensorHandle target, int reduction, int logTarget, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_distance_loss(int kind, TensorHandle input, TensorHandle target, int reduction, out TensorHandle result);
}
