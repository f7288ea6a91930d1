namespace Microsoft.ML.CamLoss.Torch;

/// <summary>
/// The one rule by which image tensors are read, shared by <see cref="ImageEncoder"/> and the
/// heatmap renderers: which shapes are images, and which dimension holds the channels.
/// </summary>
public static class ImageLayout
{
    /// <summary>
    /// A channels-last <c>[H, W, C]</c> view (<c>C</c> = 1 or 3, sharing storage) of a uint8 image
    /// given as <c>[H, W, 3]</c> or <c>[H, W, 1]</c> (channels last, as <see cref="ImageDecoder"/>
    /// returns it), <c>[3, H, W]</c> or <c>[1, H, W]</c> (channels first, as a model input before
    /// normalisation), or <c>[H, W]</c> (grey). A three-dimensional shape whose last size is 1 or 3
    /// is read as channels last, so <c>[3, 5, 3]</c> is a 3 × 5 RGB image. The caller disposes the
    /// result (it is registered with the current <see cref="TensorScope"/> like any new tensor).
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not uint8, has no pixels, or has none of the shapes above.</exception>
    public static Tensor ToHwc(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var dtype = image.DType;
        if (dtype != ScalarType.UInt8)
        {
            throw new ArgumentException(
                $"An image tensor must be uint8 (ScalarType.UInt8, 0–255, as ImageDecoder returns); got {dtype}. " +
                "Scale a [0, 1] float image by 255, round and convert it with To(ScalarType.UInt8) first.",
                nameof(image));
        }

        var shape = image.Shape;
        if (shape.Contains(0))
        {
            throw new ArgumentException($"An image tensor needs at least one row and column; got {Describe(shape)}.", nameof(image));
        }

        return shape switch
        {
            [_, _] => image.Unsqueeze(2),
            [_, _, 1 or 3] => image.Detach(),
            [1 or 3, _, _] => image.Permute(1, 2, 0),
            _ => throw new ArgumentException(
                $"An image tensor must be [H, W, 3] or [H, W, 1] (channels last), [3, H, W] or [1, H, W] (channels first) or [H, W] (grey); got {Describe(shape)}.",
                nameof(image)),
        };
    }

    private static string Describe(long[] shape) => $"[{string.Join(", ", shape)}]";
}
