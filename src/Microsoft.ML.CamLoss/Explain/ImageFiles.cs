using SkiaSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Explain;

/// <summary>
/// Writes pictures (uint8 image tensors) as PNG or JPEG with SkiaSharp. Images are read by
/// <see cref="ImageLayout.ToHwc"/>: <c>[H, W, 3]</c> or <c>[3, H, W]</c> RGB, or <c>[H, W]</c>,
/// <c>[H, W, 1]</c>, <c>[1, H, W]</c> grey, on any device (copied to the CPU to encode).
/// </summary>
public static class ImageFiles
{
    /// <summary>zlib level of the PNGs: 6, libpng's default (a balance of size and time; lossless at every level).</summary>
    private const int PngCompression = 6;

    /// <summary>
    /// Lossless PNG bytes of <paramref name="image"/>: 8-bit RGB (no alpha channel) for a colour image,
    /// 8-bit grey for a one-channel image, no colour profile, so decoding gives back exactly the same pixels.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not uint8 or not an image shape (see <see cref="ImageLayout.ToHwc"/>).</exception>
    public static byte[] EncodePng(Tensor image) =>
        Encode(image, pixmap => pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, PngCompression)));

    /// <summary>
    /// JPEG bytes of <paramref name="image"/> at <paramref name="quality"/> (1–100, libjpeg's scale;
    /// baseline, 4:2:0 chroma subsampling for colour). Lossy: decoded pixels differ from the input by an
    /// amount that shrinks as the quality rises.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quality"/> is outside 1–100.</exception>
    /// <exception cref="ArgumentException">The tensor is not uint8 or not an image shape (see <see cref="ImageLayout.ToHwc"/>).</exception>
    public static byte[] EncodeJpeg(Tensor image, int quality = 90)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        return Encode(image, pixmap => pixmap.Encode(new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)));
    }

    /// <summary>
    /// Writes <paramref name="image"/> as a PNG file (<see cref="EncodePng"/>). The bytes go to a temporary
    /// file in the same folder that is then moved over <paramref name="path"/>, so a reader never sees a
    /// half-written file and a failed write leaves an existing file untouched.
    /// </summary>
    /// <exception cref="ArgumentException">The path is empty, or the tensor is not a uint8 image.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public static void WritePng(string path, Tensor image)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = EncodePng(image);
        Serialization.AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>Encodes the pixels as an opaque 8-bit RGBA (colour) or grey (one channel) pixmap; Skia writes opaque RGBA as RGB.</summary>
    private static unsafe byte[] Encode(Tensor image, Func<SKPixmap, SKData?> encode)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (height, width, channels, pixels) = ImageLayout.ReadHwc(image);
        SKImageInfo info;
        byte[] buffer;
        if (channels == 1)
        {
            info = new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque);
            buffer = pixels;
        }
        else
        {
            info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
            buffer = new byte[checked(width * height * 4)];
            for (int source = 0, target = 0; source < pixels.Length; source += 3, target += 4)
            {
                buffer[target] = pixels[source];
                buffer[target + 1] = pixels[source + 1];
                buffer[target + 2] = pixels[source + 2];
                buffer[target + 3] = 255;
            }
        }

        fixed (byte* address = buffer)
        {
            using var pixmap = new SKPixmap(info, (IntPtr)address, info.RowBytes);
            using var data = encode(pixmap) ?? throw new InvalidOperationException($"SkiaSharp could not encode a {width}×{height} image with {channels} channel(s).");
            return data.ToArray();
        }
    }
}
