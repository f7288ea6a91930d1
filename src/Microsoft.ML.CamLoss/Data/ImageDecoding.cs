using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// Decodes an <see cref="ImageSource"/> to 8-bit RGB with OpenCV in the native shim (libjpeg-turbo,
/// libpng, libwebp, libtiff): greyscale, 16-bit (top 8 bits) and alpha (dropped, as PIL's
/// <c>convert("RGB")</c>) images all come out as <c>uint8 [H, W, 3]</c>; JPEG EXIF orientation
/// is applied. Every failure is a <see cref="DatasetException"/> naming the source and saying
/// what is wrong: empty, truncated, corrupt, or a format OpenCV cannot read (GIF), including when
/// the file's extension claims another format.
/// </summary>
public static class ImageDecoding
{
    /// <summary>Decodes <paramref name="source"/> to an RGB <c>uint8 [H, W, 3]</c> tensor (for in-memory sources, <c>[H, W, C]</c> as stored).</summary>
    /// <exception cref="DatasetException">The image cannot be read or decoded.</exception>
    public static Tensor DecodeRgb(ImageSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source is InMemoryImageSource memory)
        {
            using var chw = memory.Images.ToTensor([memory.Index]);
            using var first = chw.Select(0, 0);
            return first.Permute(1, 2, 0).Contiguous();
        }

        return DecodeRgb(source.ReadEncoded().Span, source.Name);
    }

    /// <summary>Decodes encoded bytes; <paramref name="name"/> (a path, or any name) goes into error messages.</summary>
    /// <exception cref="DatasetException">The bytes are empty, truncated, corrupt, or not an image OpenCV can decode.</exception>
    public static Tensor DecodeRgb(ReadOnlySpan<byte> encoded, string name)
    {
        var format = Check(encoded, name);
        try
        {
            return ImageDecoder.Decode(encoded);
        }
        catch (ArgumentException e)
        {
            throw new DatasetException(name, $"the {ImageFormats.Describe(format)} data is corrupt: OpenCV {TorchRuntime.OpenCvVersion} could not decode it.", innerException: e);
        }
    }

    /// <summary>The format of <paramref name="encoded"/>, or a <see cref="DatasetException"/> saying why it cannot be decoded.</summary>
    internal static ImageFormat Check(ReadOnlySpan<byte> encoded, string name)
    {
        if (encoded.IsEmpty)
        {
            throw new DatasetException(name, "the image is empty (0 bytes).");
        }

        var format = ImageFormats.Sniff(encoded);
        var extension = Path.GetExtension(name).ToLowerInvariant();
        var claims = extension.Length > 0 && !ImageFormats.Extensions(format).Contains(extension) ? $" although it is named {extension}" : string.Empty;
        if (format == ImageFormat.Gif)
        {
            throw new DatasetException(name, $"the file is a GIF image{claims}; GIF cannot be decoded (OpenCV {TorchRuntime.OpenCvVersion}): convert it to PNG or JPEG.");
        }

        if (format == ImageFormat.Unknown)
        {
            var head = Convert.ToHexString(encoded[..Math.Min(8, encoded.Length)]);
            throw new DatasetException(name, $"the data is not a JPEG, PNG, BMP, WebP, TIFF or PNM image{claims} (it starts with the bytes {head}).");
        }

        return ImageFormats.Truncation(encoded, format) is { } truncated ? throw new DatasetException(name, truncated) : format;
    }
}
