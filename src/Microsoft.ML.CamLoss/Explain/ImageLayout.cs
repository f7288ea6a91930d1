using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Explain;

/// <summary>
/// The one rule by which image tensors are read, shared by <see cref="ImageFiles"/> and the heatmap
/// renderers: which shapes are images, and which dimension holds the channels.
/// </summary>
public static class ImageLayout
{
    /// <summary>
    /// A channels-last <c>[H, W, C]</c> view (<c>C</c> = 1 or 3, sharing storage) of a uint8 image
    /// given as <c>[H, W, 3]</c> or <c>[H, W, 1]</c> (channels last, as
    /// <c>ImageDecoding.DecodeRgb</c> returns it), <c>[3, H, W]</c> or
    /// <c>[1, H, W]</c> (channels first, as a model input before normalisation), or <c>[H, W]</c> (grey).
    /// A three-dimensional shape whose last size is 1 or 3 is read as channels last, so <c>[3, 5, 3]</c> is
    /// a 3 × 5 RGB image. The result is a new tensor object (it joins the current dispose scope); dispose it.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not uint8, has no pixels, or has none of the shapes above.</exception>
    public static Tensor ToHwc(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var dtype = image.dtype;
        if (dtype != ScalarType.Byte)
        {
            throw new ArgumentException(
                $"An image tensor must be uint8 (ScalarType.Byte, 0–255, as ImageDecoding returns); got {dtype}. " +
                "Scale a [0, 1] float image by 255, round and convert it with to(ScalarType.Byte) first.",
                nameof(image));
        }

        var shape = image.shape;
        if (shape.Contains(0))
        {
            throw new ArgumentException($"An image tensor needs at least one row and column; got {Describe(shape)}.", nameof(image));
        }

        return shape switch
        {
            [_, _] => image.unsqueeze(2),
            [_, _, 1 or 3] => image.detach(),
            [1 or 3, _, _] => image.permute(1, 2, 0),
            _ => throw new ArgumentException(
                $"An image tensor must be [H, W, 3] or [H, W, 1] (channels last), [3, H, W] or [1, H, W] (channels first) or [H, W] (grey); got {Describe(shape)}.",
                nameof(image)),
        };
    }

    /// <summary>
    /// The pixels of a uint8 image in any layout <see cref="ToHwc"/> reads (any device), channels last and
    /// row-major, with its height, width and channel count (1 or 3).
    /// </summary>
    internal static (int Height, int Width, int Channels, byte[] Pixels) ReadHwc(Tensor image)
    {
        using var scope = torch.NewDisposeScope();
        var hwc = ToHwc(image);
        var shape = hwc.shape;
        int height = checked((int)shape[0]), width = checked((int)shape[1]), channels = (int)shape[2];
        var pixels = (hwc.device_type == DeviceType.CPU ? hwc : hwc.cpu()).contiguous();
        return (height, width, channels, pixels.bytes.ToArray());
    }

    private static string Describe(long[] shape) => $"[{string.Join(", ", shape)}]";
}
