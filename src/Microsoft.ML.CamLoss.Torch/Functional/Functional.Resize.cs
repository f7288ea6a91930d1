using Microsoft.ML.CamLoss.Torch.Interop;

namespace Microsoft.ML.CamLoss.Torch;

/// <summary>Padding modes of <see cref="Functional.Pad"/>.</summary>
public enum PaddingMode
{
    /// <summary>Pad with a constant value.</summary>
    Constant = 0,

    /// <summary>Mirror without repeating the edge.</summary>
    Reflect = 1,

    /// <summary>Repeat the edge value.</summary>
    Replicate = 2,
}

public static partial class Functional
{
    /// <summary>
    /// Bilinear resize of <c>[N, C, H, W]</c> to <c>height × width</c> (as <c>F.interpolate(mode="bilinear")</c>);
    /// <paramref name="antialias"/> low-pass filters when shrinking, as torchvision's resize.
    /// </summary>
    public static unsafe Tensor InterpolateBilinear(Tensor input, long height, long width, bool alignCorners = false, bool antialias = false)
    {
        long* size = stackalloc long[] { height, width };
        return Tensor.Wrap(NnInterop.camloss_interpolate_bilinear(input.Handle, size, alignCorners ? 1 : 0, antialias ? 1 : 0, out var h), h);
    }

    /// <summary>
    /// Pads the last dimensions: <paramref name="pads"/> is (left, right, top, bottom, …) from the
    /// last dimension backwards, as <c>F.pad</c>.
    /// </summary>
    public static unsafe Tensor Pad(Tensor input, ReadOnlySpan<long> pads, PaddingMode mode = PaddingMode.Constant, double value = 0)
    {
        fixed (long* p = pads)
        {
            return Tensor.Wrap(NnInterop.camloss_pad(input.Handle, p, pads.Length, (int)mode, value, out var h), h);
        }
    }
}
