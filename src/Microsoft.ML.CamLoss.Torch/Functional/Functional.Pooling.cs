using Microsoft.ML.CamLoss.Torch.Interop;

namespace Microsoft.ML.CamLoss.Torch;

public static partial class Functional
{
    /// <summary>2-D max pooling; <paramref name="stride"/> defaults to the kernel size.</summary>
    public static unsafe Tensor MaxPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
    {
        var st = stride ?? kernelSize;
        long* k = stackalloc long[] { kernelSize, kernelSize };
        long* s = stackalloc long[] { st, st };
        long* p = stackalloc long[] { padding, padding };
        long* d = stackalloc long[] { dilation, dilation };
        return Tensor.Wrap(NnInterop.camloss_max_pool2d(input.Handle, k, s, p, d, ceilMode ? 1 : 0, out var h), h);
    }

    /// <summary>2-D average pooling; <paramref name="stride"/> defaults to the kernel size.</summary>
    public static unsafe Tensor AvgPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
    {
        var st = stride ?? kernelSize;
        long* k = stackalloc long[] { kernelSize, kernelSize };
        long* s = stackalloc long[] { st, st };
        long* p = stackalloc long[] { padding, padding };
        return Tensor.Wrap(NnInterop.camloss_avg_pool2d(input.Handle, k, s, p, ceilMode ? 1 : 0, countIncludePad ? 1 : 0, out var h), h);
    }

    /// <summary>Average pooling to an <c>outputHeight × outputWidth</c> map; (1, 1) is global average pooling.</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, long outputHeight = 1, long outputWidth = 1) => AdaptivePool(0, input, outputHeight, outputWidth);

    /// <summary>Max pooling to an <c>outputHeight × outputWidth</c> map (values only).</summary>
    public static Tensor AdaptiveMaxPool2d(Tensor input, long outputHeight = 1, long outputWidth = 1) => AdaptivePool(1, input, outputHeight, outputWidth);

    private static unsafe Tensor AdaptivePool(int kind, Tensor input, long outputHeight, long outputWidth)
    {
        long* size = stackalloc long[] { outputHeight, outputWidth };
        return Tensor.Wrap(NnInterop.camloss_adaptive_pool2d(kind, input.Handle, size, out var h), h);
    }
}
