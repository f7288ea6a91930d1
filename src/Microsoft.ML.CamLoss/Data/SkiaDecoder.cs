using System.Buffers;
using SkiaSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// JPEG, PNG, WebP, GIF and BMP through SkiaSharp's <see cref="SKCodec"/>, straight into an RGBA
/// buffer this class owns: 8-bit RGBA, unpremultiplied (alpha never touches the colour), with no
/// destination colour space (no colour management: ICC profiles and PNG gamma are ignored, as PIL
/// ignores them). The header's size is checked against the pixel limit before the buffer exists.
/// </summary>
internal static class SkiaDecoder
{
    /// <summary>Decodes <paramref name="encoded"/> (already sniffed as <paramref name="format"/>) to <c>uint8 [H, W, 3]</c>, orientation applied.</summary>
    public static unsafe Tensor Decode(ReadOnlySpan<byte> encoded, string name, ImageFormat format, long maxPixels)
    {
        var what = ImageFormats.Describe(format);
        using var data = SKData.CreateCopy(encoded);
        using var stream = new SKMemoryStream(data);
        using var codec = SKCodec.Create(stream, out var opened);
        if (codec is null)
        {
            throw new DatasetException(name, opened == SKCodecResult.IncompleteInput
                ? $"the {what} data is truncated: SkiaSharp could not read its header."
                : $"the {what} data is corrupt: SkiaSharp could not read its header ({opened}).");
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        ImageDecoding.CheckDeclaredSize(name, format, width, height, maxPixels);

        // width · height ≤ MaxSupportedPixels = int.MaxValue / 4, so the byte count fits an int.
        var rowBytes = width * 4;
        var length = rowBytes * height;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var rgba = buffer.AsSpan(0, length);
            if (format == ImageFormat.Gif)
            {
                rgba.Clear();   // a first frame smaller than the canvas leaves the rest untouched
            }

            var target = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul, null);
            SKCodecResult result;
            fixed (byte* pixels = rgba)
            {
                result = codec.GetPixels(target, (IntPtr)pixels, rowBytes, SKCodecOptions.Default);
            }

            if (result != SKCodecResult.Success)
            {
                throw new DatasetException(name, Failure(format, result));
            }

            if (format == ImageFormat.Gif)
            {
                GifFirstFrame.FillTransparent(encoded, rgba);
            }

            return ImageOrientation.ToRgb(rgba, width, height, codec.EncodedOrigin);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Failure(ImageFormat format, SKCodecResult result)
    {
        var what = ImageFormats.Describe(format);
        if (result != SKCodecResult.IncompleteInput)
        {
            return $"the {what} data is corrupt: SkiaSharp could not decode it ({result}).";
        }

        // JPEG and PNG were already checked to be complete (end-of-image marker, IEND chunk).
        return format is ImageFormat.Jpeg or ImageFormat.Png
            ? $"the {what} data is corrupt: SkiaSharp could decode only part of it."
            : $"the {what} data is truncated or corrupt: SkiaSharp could decode only part of it.";
    }
}
