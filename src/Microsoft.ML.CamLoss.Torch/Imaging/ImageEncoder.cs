using Microsoft.ML.CamLoss.Torch.Interop;

namespace Microsoft.ML.CamLoss.Torch;

/// <summary>
/// Encodes uint8 image tensors as PNG or JPEG with OpenCV (libpng, libjpeg-turbo) in the native
/// shim; the counterpart of <see cref="ImageDecoder"/>. Images are read by
/// <see cref="ImageLayout.ToHwc"/>: <c>[H, W, 3]</c> or <c>[3, H, W]</c> RGB, or <c>[H, W]</c>,
/// <c>[H, W, 1]</c>, <c>[1, H, W]</c> grey, on any device (copied to the CPU to encode).
/// </summary>
public static class ImageEncoder
{
    private const int PngFormat = 0;
    private const int JpegFormat = 1;

    /// <summary>
    /// Lossless PNG bytes of <paramref name="image"/> (8-bit RGB, or 8-bit grey for a one-channel
    /// image): <see cref="ImageDecoder.Decode"/> gives back exactly the same pixels.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not uint8 or not an image shape (see <see cref="ImageLayout.ToHwc"/>).</exception>
    public static byte[] EncodePng(Tensor image) => Encode(image, PngFormat, 0);

    /// <summary>
    /// JPEG bytes of <paramref name="image"/> at <paramref name="quality"/> (1–100, libjpeg's
    /// scale; OpenCV's defaults otherwise: baseline, 4:2:0 chroma subsampling for colour). Lossy:
    /// decoded pixels differ from the input by an amount that shrinks as the quality rises.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quality"/> is outside 1–100.</exception>
    /// <exception cref="ArgumentException">The tensor is not uint8 or not an image shape (see <see cref="ImageLayout.ToHwc"/>).</exception>
    public static byte[] EncodeJpeg(Tensor image, int quality = 90)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        return Encode(image, JpegFormat, quality);
    }

    /// <summary>
    /// Writes <paramref name="image"/> as a PNG file. The bytes go to a temporary file in the same
    /// folder that is then moved over <paramref name="path"/>, so a reader never sees a half-written
    /// file and a failed write leaves an existing file untouched.
    /// </summary>
    /// <exception cref="ArgumentException">The path is empty, or the tensor is not a uint8 image.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public static void WritePng(string path, Tensor image)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = EncodePng(image);
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    private static byte[] Encode(Tensor image, int format, int quality)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var scope = new TensorScope();
        var pixels = ImageLayout.ToHwc(image);
        var encoded = Tensor.Wrap(ImageInterop.camloss_image_encode(pixels.Handle, format, quality, out var h), h);
        return encoded.ToArray<byte>();
    }
}
