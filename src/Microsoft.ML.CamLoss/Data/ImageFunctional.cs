using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// The deterministic operations behind the transforms, on an image <c>[C, H, W]</c> or a batch
/// <c>[B, C, H, W]</c> (as torchvision's <c>transforms.functional</c> on tensors), for writing
/// your own <see cref="IImageTransform"/>. None changes its input.
/// </summary>
public static class ImageFunctional
{
    /// <summary>Height and width: the last two sizes.</summary>
    public static (int Height, int Width) Size(Tensor image)
    {
        var shape = image.Shape;
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
        using var scope = new TensorScope();
        var (h, w) = Size(image);
        if (h == height && w == width)
        {
            return scope.MoveOut(image.Clone());
        }

        var isByte = image.DType == ScalarType.UInt8;
        var input = isByte ? image.To(ScalarType.Float32) : image;
        var unbatched = input.Dim == 3;
        var batch = unbatched ? input.Unsqueeze(0) : input;
        var resized = Functional.InterpolateBilinear(batch, height, width, alignCorners: false, antialias: antialias);
        if (unbatched)
        {
            resized = resized.Squeeze(0);
        }

        return scope.MoveOut(isByte ? resized.Round().Clamp(0, 255).To(ScalarType.UInt8) : resized);
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
        if (top < 0 || left < 0 || top + height > h || left + width > w)
        {
            throw new ArgumentOutOfRangeException(nameof(top), $"The crop {height}×{width} at ({top}, {left}) leaves the {h}×{w} image.");
        }

        using var rows = image.Narrow(image.Dim - 2, top, height);
        return rows.Narrow(image.Dim - 1, left, width);
    }

    /// <summary>
    /// The centre <paramref name="height"/> × <paramref name="width"/> window (as torchvision's
    /// <c>F.center_crop</c>): zero-padded first when the image is smaller; the offset is
    /// <c>round((H − h) / 2)</c>, half to even as Python's <c>round</c>.
    /// </summary>
    public static Tensor CenterCrop(Tensor image, int height, int width)
    {
        using var scope = new TensorScope();
        var (h, w) = Size(image);
        if (height > h || width > w)
        {
            var padW = Math.Max(width - w, 0);
            var padH = Math.Max(height - h, 0);
            image = Functional.Pad(image, [padW / 2, (padW + 1) / 2, padH / 2, (padH + 1) / 2]);
            (h, w) = (h + padH, w + padW);
        }

        var top = (int)Math.Round((h - height) / 2.0, MidpointRounding.ToEven);
        var left = (int)Math.Round((w - width) / 2.0, MidpointRounding.ToEven);
        return scope.MoveOut(Crop(image, top, left, height, width));
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
        var result = image.Clone();
        using var window = Crop(result, top, left, height, width);
        window.Fill(value);
        return result;
    }

    /// <summary>
    /// Pads every side by <paramref name="padding"/> pixels (as <c>F.pad</c>): zeros, reflection or
    /// edge replication; uint8 images are reflected/replicated through float32, as torchvision does.
    /// </summary>
    public static Tensor Pad(Tensor image, int padding, PaddingMode mode = PaddingMode.Constant)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        if (mode == PaddingMode.Constant || image.DType != ScalarType.UInt8)
        {
            return Functional.Pad(image, [padding, padding, padding, padding], mode);
        }

        using var scope = new TensorScope();
        var padded = Functional.Pad(image.To(ScalarType.Float32), [padding, padding, padding, padding], mode);
        return scope.MoveOut(padded.To(ScalarType.UInt8));
    }

    /// <summary>Mirrors the last (width) dimension (as <c>F.hflip</c>).</summary>
    public static Tensor FlipHorizontal(Tensor image)
    {
        var (_, w) = Size(image);
        using var reversed = Tensor.Arange(w - 1, -1, -1);
        return image.IndexSelect(image.Dim - 1, reversed);
    }

    /// <summary>uint8 to float32 in [0, 1] (÷ 255, as <c>ConvertImageDtype</c>); float input is returned as a copy.</summary>
    public static Tensor ToFloat(Tensor image)
    {
        if (image.DType != ScalarType.UInt8)
        {
            return image.DType == ScalarType.Float32 ? image.Clone() : image.To(ScalarType.Float32);
        }

        using var f = image.To(ScalarType.Float32);
        return f / 255.0;
    }

    /// <summary><c>(x − mean[c]) / std[c]</c> per channel (uint8 is first scaled to [0, 1]).</summary>
    public static Tensor Normalize(Tensor image, ReadOnlySpan<float> mean, ReadOnlySpan<float> std)
    {
        using var scope = new TensorScope();
        var channels = image.Size(-3);
        if (channels != mean.Length)
        {
            throw new ArgumentException($"Normalize has {mean.Length} channel means but the image has {channels} channels.", nameof(image));
        }

        var x = image.DType == ScalarType.Float32 ? image : ToFloat(image);
        var m = Tensor.FromSpan(mean, [mean.Length, 1, 1]);
        var s = Tensor.FromSpan(std, [std.Length, 1, 1]);
        return scope.MoveOut((x - m) / s);
    }
}
