using SkiaSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// Applies an EXIF orientation while dropping alpha: RGBA rows as decoded become the upright
/// <c>uint8 [H, W, 3]</c> image, as PIL's <c>ImageOps.exif_transpose</c> then <c>convert("RGB")</c>
/// (2 mirror, 3 rotate 180°, 4 flip, 5 transpose, 6 rotate 90° clockwise, 7 transverse,
/// 8 rotate 90° anticlockwise; 5 to 8 swap width and height).
/// </summary>
internal static class ImageOrientation
{
    /// <summary>The RGB tensor of <paramref name="rgba"/> (<paramref name="height"/> rows of <paramref name="width"/> pixels) shown upright.</summary>
    public static unsafe Tensor ToRgb(ReadOnlySpan<byte> rgba, int width, int height, SKEncodedOrigin origin)
    {
        if ((long)width * height * 4 > rgba.Length)
        {
            throw new ArgumentException($"{rgba.Length} bytes do not hold {width} × {height} RGBA pixels.", nameof(rgba));
        }

        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (outHeight, outWidth) = swap ? (width, height) : (height, width);

        // Output pixel (y, x) reads source pixel start + y·rowStep + x·columnStep (row-major, in pixels).
        nint last = width - 1, bottom = (nint)(height - 1) * width;
        var (start, rowStep, columnStep) = origin switch
        {
            SKEncodedOrigin.TopRight => (last, (nint)width, (nint)(-1)),
            SKEncodedOrigin.BottomRight => (bottom + last, -(nint)width, -1),
            SKEncodedOrigin.BottomLeft => (bottom, -(nint)width, 1),
            SKEncodedOrigin.LeftTop => (0, 1, width),
            SKEncodedOrigin.RightTop => (bottom, 1, -(nint)width),
            SKEncodedOrigin.RightBottom => (bottom + last, -1, -(nint)width),
            SKEncodedOrigin.LeftBottom => (last, -1, width),
            _ => (0, width, 1),
        };

        var result = empty([outHeight, outWidth, 3], ScalarType.Byte);
        fixed (byte* source = rgba)
        fixed (byte* target = result.bytes)
        {
            var d = target;
            for (nint y = 0; y < outHeight; y++)
            {
                var s = source + ((start + (y * rowStep)) * 4);
                var step = columnStep * 4;
                for (var x = 0; x < outWidth; x++, s += step, d += 3)
                {
                    d[0] = s[0];
                    d[1] = s[1];
                    d[2] = s[2];
                }
            }
        }

        return result;
    }
}
