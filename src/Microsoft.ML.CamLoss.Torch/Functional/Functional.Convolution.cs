using Microsoft.ML.CamLoss.Torch.Interop;

namespace Microsoft.ML.CamLoss.Torch;

/// <summary>The functional operations of a CNN, as <c>torch.nn.functional</c>. Inputs are NCHW.</summary>
public static partial class Functional
{
    /// <summary>2-D convolution (cross-correlation) of <c>[N, C_in, H, W]</c> with weight <c>[C_out, C_in/groups, kH, kW]</c>.</summary>
    public static unsafe Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
    {
        long* s = stackalloc long[] { stride, stride };
        long* p = stackalloc long[] { padding, padding };
        long* d = stackalloc long[] { dilation, dilation };
        return Tensor.Wrap(NnInterop.camloss_conv2d(input.Handle, weight.Handle, Tensor.HandleOf(bias), s, p, d, groups, out var h), h);
    }

    /// <summary><c>x Wᵀ + b</c> over the last dimension.</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) =>
        Tensor.Wrap(NnInterop.camloss_linear(input.Handle, weight.Handle, Tensor.HandleOf(bias), out var h), h);
}
