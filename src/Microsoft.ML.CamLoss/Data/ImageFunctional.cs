using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// The deterministic operations behind the transforms, on an image <c>[C, H, W]</c> or a batch
/// <c>[B, C, H, W]</c> (as torchvision's <c>transforms.functional</c> on tensors), for writing
/// your own <see cref="IImageTransform"/>. None changes its input; each returns a new tensor
/// (possibly a view) that the caller owns.
/// </summary>
public static class ImageFunctional
{
    /// <summary>Height and width: the last two sizes.</summary>
    public static (int Height, int Width) Size(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var shape = image.shape;
        if (shape.Length < 3)
        {
            throw new ArgumentException($"Expected an image [C, H, W] or a batch [B, C, H, W]; got [{string.Join(", ", shape)}].", nameof(image));
        }

        return ((int)shape[^2], (int)shape[^1]);
    }

    /// <summary>
    /// Bilinear resize to <paramref name="height"/> × <paramref name="width"/> (as torchvision's
    /// <c>F.resize</c> on tensors): uint8 is resized in float32 and rounded half to even back to
    /// uint8; <paramref name="antialias"/> low-pass filters when shrinking. Same size: a copy.
    /// </summary>
    public static Tensor Resize(Tensor image, int height, int width, bool antialias = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        var (h, w) = Size(image);
        using var scope = NewDisposeScope();
        if (h == height && w == width)
        {
            return image.clone().MoveToOuterDisposeScope();
        }

        var isByte = image.dtype == ScalarType.Byte;
        var input = isByte ? image.to(ScalarType.Float32) : image;
        var unbatched = input.dim() == 3;
        var batch = unbatched ? input.unsqueeze(0) : input;
        var resized = nn.functional.interpolate(batch, [height, width], mode: InterpolationMode.Bilinear, align_corners: false, antialias: antialias);
        if (unbatched)
        {
            resized = resized.squeeze(0);
        }

        return (isByte ? resized.round().clamp(0, 255).to(ScalarType.Byte) : resized).MoveToOuterDisposeScope();
    }

    /// <summary>The size torchvision gives when resizing the shorter side to <paramref name="size"/>: the longer side is <c>int(size · long / short)</c>, capped by <paramref name="maxSize"/>.</summary>
    public static (int Height, int Width) ShorterSideSize(int height, int width, int size, int? maxSize)
    {
        var (shortSide, longSide) = width <= height ? (width, height) : (height, width);
        var newShort = size;
        var newLong = (int)((long)size * longSide / shortSide);
        if (maxSize is { } max && newLong > max)
        {
            newShort = (int)((long)max * newShort / newLong);
            newLong = max;
        }

        return width <= height ? (newLong, newShort) : (newShort, newLong);
    }

    /// <summary>The window <c>[top, top + height) × [left, left + width)</c>, a view (as <c>F.crop</c> inside the image).</summary>
    public static Tensor Crop(Tensor image, int top, int left, int height, int width)
    {
        var (h, w) = Size(image);
        if (top < 0 || left < 0 || height < 0 || width < 0 || top + height > h || left + width > w)
        {
            throw new ArgumentOutOfRangeException(nameof(top), $"The crop {height}×{width} at ({top}, {left}) leaves the {h}×{w} image.");
        }

        using var rows = image.narrow(image.dim() - 2, top, height);
        return rows.narrow(image.dim() - 1, left, width);
    }

    /// <summary>
    /// The centre <paramref name="height"/> × <paramref name="width"/> window (as torchvision's
    /// <c>F.center_crop</c>): zero-padded first when the image is smaller; the offset is
    /// <c>round((H − h) / 2)</c>, half to even as Python's <c>round</c>.
    /// </summary>
    public static Tensor CenterCrop(Tensor image, int height, int width)
    {
        var (h, w) = Size(image);
        using var scope = NewDisposeScope();
        if (height > h || width > w)
        {
            var padW = Math.Max(width - w, 0);
            var padH = Math.Max(height - h, 0);
            image = nn.functional.pad(image, [padW / 2, (padW + 1) / 2, padH / 2, (padH + 1) / 2], PaddingModes.Constant, 0);
            (h, w) = (h + padH, w + padW);
        }

        var top = (int)Math.Round((h - height) / 2.0, MidpointRounding.ToEven);
        var left = (int)Math.Round((w - width) / 2.0, MidpointRounding.ToEven);
        return Crop(image, top, left, height, width).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Crops the window then resizes it to <paramref name="outputHeight"/> × <paramref name="outputWidth"/>
    /// (as <c>F.resized_crop</c>; see <see cref="Resize"/>).
    /// </summary>
    public static Tensor ResizedCrop(Tensor image, int top, int left, int height, int width, int outputHeight, int outputWidth, bool antialias = true)
    {
        using var crop = Crop(image, top, left, height, width);
        return Resize(crop, outputHeight, outputWidth, antialias);
    }

    /// <summary>A copy with the window set to <paramref name="value"/> (as <c>F.erase</c>).</summary>
    public static Tensor Erase(Tensor image, int top, int left, int height, int width, double value = 0)
    {
        Size(image);
        var result = image.clone();
        using var window = Crop(result, top, left, height, width);
        window.fill_(value);
        return result;
    }

    /// <summary>
    /// Pads every side by <paramref name="padding"/> pixels (as <c>F.pad</c>): zeros, reflection or
    /// edge replication; uint8 images are reflected/replicated through float32, as torchvision does.
    /// </summary>
    public static Tensor Pad(Tensor image, int padding, PaddingMode mode = PaddingMode.Constant)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        Size(image);
        long[] pads = [padding, padding, padding, padding];
        if (mode == PaddingMode.Constant)
        {
            return nn.functional.pad(image, pads, PaddingModes.Constant, 0);
        }

        var modes = mode == PaddingMode.Reflect ? PaddingModes.Reflect : PaddingModes.Replicate;
        if (image.dtype != ScalarType.Byte)
        {
            return nn.functional.pad(image, pads, modes);
        }

        using var scope = NewDisposeScope();
        var padded = nn.functional.pad(image.to(ScalarType.Float32), pads, modes);
        return padded.to(ScalarType.Byte).MoveToOuterDisposeScope();
    }

    /// <summary>Mirrors the last (width) dimension (as <c>F.hflip</c>).</summary>
    public static Tensor FlipHorizontal(Tensor image)
    {
        Size(image);
        return image.flip(-1);
    }

    /// <summary>uint8 to float32 in [0, 1] (÷ 255, as <c>ConvertImageDtype</c>); float input is returned as a copy.</summary>
    public static Tensor ToFloat(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.dtype != ScalarType.Byte)
        {
            return image.dtype == ScalarType.Float32 ? image.clone() : image.to(ScalarType.Float32);
        }

        using var f = image.to(ScalarType.Float32);
        // An explicit Scalar, alive until the call returns: an implicit one from a double can be finalised by the GC
        // while libtorch still reads it (seen as "Unknown scalar type" on a loader thread).
        using var divisor = 255.0.ToScalar();
        return f.div(divisor);
    }

    /// <summary><c>(x − mean[c]) / std[c]</c> per channel (uint8 is first scaled to [0, 1]).</summary>
    public static Tensor Normalize(Tensor image, ReadOnlySpan<float> mean, ReadOnlySpan<float> std)
    {
        Size(image);
        var channels = image.shape[^3];
        if (channels != mean.Length || mean.Length != std.Length)
        {
            throw new ArgumentException($"Normalize has {mean.Length} channel means and {std.Length} stds but the image has {channels} channels.", nameof(image));
        }

        using var scope = NewDisposeScope();
        var x = image.dtype == ScalarType.Float32 ? image : ToFloat(image);
        var m = tensor(mean.ToArray(), [mean.Length, 1, 1]);
        var s = tensor(std.ToArray(), [std.Length, 1, 1]);
        return (x - m).div(s).MoveToOuterDisposeScope();
    }
}
