using Microsoft.ML.CamLoss.Torch.Interop;

namespace Microsoft.ML.CamLoss.Torch;

/// <summary>Decodes encoded images with OpenCV (libjpeg-turbo, libpng, libwebp …) in the native shim.</summary>
public static class ImageDecoder
{
    /// <summary>
    /// Decodes JPEG, PNG, BMP, WebP (where OpenCV has it) and other OpenCV formats to an RGB
    /// <c>uint8 [H, W, 3]</c> tensor. Greyscale, 16-bit and alpha images come out as 8-bit RGB;
    /// JPEG EXIF orientation is applied.
    /// </summary>
    /// <exception cref="ArgumentException">The bytes are empty, corrupt, truncated or not an image.</exception>
    public static unsafe Tensor Decode(ReadOnlySpan<byte> encoded)
    {
        fixed (byte* p = encoded)
        {
            return Tensor.Wrap(ImageInterop.camloss_image_decode(p, encoded.Length, out var h), h);
        }
    }

    /// <summary>Reads and decodes an image file; errors name the file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty, corrupt or not an image.</exception>
    public static Tensor DecodeFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = File.Exists(path) ? File.ReadAllBytes(path) : throw new FileNotFoundException($"Image file not found: {path}", path);
        try
        {
            return Decode(bytes);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
