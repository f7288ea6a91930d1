using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// Decodes images to 8-bit RGB <c>uint8 [H, W, 3]</c> tensors, pixel for pixel as PIL's
/// <c>ImageOps.exif_transpose(Image.open(f)).convert("RGB")</c> (the torchvision loader),
/// with SkiaSharp's codecs (libjpeg-turbo, libpng, libwebp, its GIF and BMP readers) and a small
/// managed Netpbm reader. Measured against PIL 9.4: max |diff| 0 on every fixture format and on
/// the real JPEGs of the shared data sets (Reference/generate_image_fixtures.py and
/// DecodingParityTests: 12 kept as fixtures; 300 more sampled once across flowers12, the CUB subset
/// and CIFAR-10 JPEG were bit-identical too).
/// </summary>
/// <remarks>
/// <para>What comes out, per input:</para>
/// <list type="bullet">
/// <item>JPEG (baseline, progressive, grey, CMYK): as libjpeg-turbo's islow IDCT with fancy
/// upsampling (PIL's defaults); CMYK is converted as PIL does (Adobe-inverted, <c>R = C·K/255</c>).
/// EXIF orientation (1–8) is applied, as v1 did (and PIL's <c>exif_transpose</c>).</item>
/// <item>PNG: grey and palette expanded; alpha dropped without blending (as <c>convert("RGB")</c>);
/// 16 bits per sample become the high byte (<c>value &gt;&gt; 8</c>: PIL does the same for 16-bit
/// RGB(A), while it clips 16-bit grey to 255, which nobody wants; v1 used the high byte too).
/// PNG <c>eXIf</c> orientation is not applied (neither v1 nor SkiaSharp 2.88 reads it).</item>
/// <item>WebP (lossless and lossy): EXIF orientation applied. BMP: as stored.</item>
/// <item>GIF: the first frame, as PIL opens a GIF. Pixels the first frame leaves transparent (or
/// does not cover) get PIL's colour: the palette entry of the transparent index, else entry 0.
/// (v1 refused GIF because OpenCV could not read it; PIL, and so torchvision, reads it.)</item>
/// <item>Netpbm P1–P6 (PBM, PGM, PPM, binary and plain): as PIL 9.4, including its rounding of
/// maximum values other than 255; 16-bit grey becomes the high byte (the PNG rule).</item>
/// <item>TIFF is recognised but refused: SkiaSharp has no TIFF codec (v1 read it with OpenCV).</item>
/// </list>
/// <para>
/// No colour management: embedded ICC profiles and PNG gamma are ignored (decoded with no
/// destination colour space, unpremultiplied), exactly as PIL. Every failure is a
/// <see cref="DatasetException"/> naming the file and saying what is wrong: empty, truncated,
/// corrupt, not an image, a format that cannot be decoded (with the extension it claims, when that
/// disagrees), or a header that declares more pixels than <see cref="DefaultMaxPixels"/> (or the
/// limit given): a decompression-bomb guard that refuses before any pixel buffer is allocated.
/// </para>
/// </remarks>
public static class ImageDecoding
{
    /// <summary>
    /// The default most pixels (width × height, as the header declares) an image may have:
    /// 2^26 = 67,108,864 (64 Mi pixels, e.g. 8192 × 8192; its RGBA decode buffer is 256 MiB).
    /// PIL's own default is 89,478,485. Raise it with <see cref="ImageDatasetOptions.MaxImagePixels"/>
    /// or the <c>maxPixels</c> argument.
    /// </summary>
    public const long DefaultMaxPixels = 1L << 26;

    /// <summary>The largest pixel limit that can be set: 536,870,911 (the RGBA decode buffer must fit one .NET array).</summary>
    public const long MaxSupportedPixels = int.MaxValue / 4;

    /// <summary>Decodes <paramref name="source"/> to an RGB <c>uint8 [H, W, 3]</c> tensor (for in-memory sources, <c>[H, W, C]</c> as stored), refusing images larger than <see cref="DefaultMaxPixels"/>.</summary>
    /// <exception cref="DatasetException">The image cannot be read or decoded, or declares too many pixels.</exception>
    public static Tensor DecodeRgb(ImageSource source) => DecodeRgb(source, DefaultMaxPixels);

    /// <summary>Decodes <paramref name="source"/>, refusing an image whose header declares more than <paramref name="maxPixels"/> pixels.</summary>
    /// <param name="source">The image.</param>
    /// <param name="maxPixels">Most pixels (width × height), 1 to <see cref="MaxSupportedPixels"/>.</param>
    /// <exception cref="DatasetException">The image cannot be read or decoded, or declares too many pixels.</exception>
    public static Tensor DecodeRgb(ImageSource source, long maxPixels)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckLimit(maxPixels);
        if (source is InMemoryImageSource memory)
        {
            using var chw = memory.Images.ToTensor([memory.Index]);
            using var first = chw.select(0, 0);
            using var hwc = first.permute(1, 2, 0);
            return hwc.contiguous();
        }

        return DecodeRgb(source.ReadEncoded().Span, source.Name, maxPixels);
    }

    /// <summary>Decodes encoded bytes; <paramref name="name"/> (a path, or any name) goes into error messages.</summary>
    /// <exception cref="DatasetException">The bytes are empty, truncated, corrupt, not an image that can be decoded, or declare more than <see cref="DefaultMaxPixels"/> pixels.</exception>
    public static Tensor DecodeRgb(ReadOnlySpan<byte> encoded, string name) => DecodeRgb(encoded, name, DefaultMaxPixels);

    /// <summary>Decodes encoded bytes, refusing an image whose header declares more than <paramref name="maxPixels"/> pixels.</summary>
    /// <param name="encoded">The encoded image.</param>
    /// <param name="name">The file name or any name, for error messages (its extension is compared with the format found).</param>
    /// <param name="maxPixels">Most pixels (width × height), 1 to <see cref="MaxSupportedPixels"/>.</param>
    /// <exception cref="DatasetException">The bytes are empty, truncated, corrupt, not an image that can be decoded, or declare too many pixels.</exception>
    public static Tensor DecodeRgb(ReadOnlySpan<byte> encoded, string name, long maxPixels)
    {
        ArgumentNullException.ThrowIfNull(name);
        CheckLimit(maxPixels);
        var format = Check(encoded, name);
        return format == ImageFormat.Pnm
            ? PnmDecoder.Decode(encoded, name, maxPixels)
            : SkiaDecoder.Decode(encoded, name, format, maxPixels);
    }

    /// <summary>Reads and decodes the image file at <paramref name="path"/>, refusing images larger than <see cref="DefaultMaxPixels"/>.</summary>
    /// <exception cref="DatasetException">The file is missing or unreadable, or the image cannot be decoded, or declares too many pixels.</exception>
    public static Tensor DecodeFile(string path) => DecodeFile(path, DefaultMaxPixels);

    /// <summary>Reads and decodes the image file at <paramref name="path"/>, refusing an image whose header declares more than <paramref name="maxPixels"/> pixels.</summary>
    /// <exception cref="DatasetException">The file is missing or unreadable, or the image cannot be decoded, or declares too many pixels.</exception>
    public static Tensor DecodeFile(string path, long maxPixels) => DecodeRgb(ImageSource.FromFile(path), maxPixels);

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
        if (format == ImageFormat.Tiff)
        {
            throw new DatasetException(name, $"the file is a TIFF image{claims}; TIFF cannot be decoded (SkiaSharp has no TIFF codec): convert it to PNG or JPEG.");
        }

        if (format == ImageFormat.Unknown)
        {
            var head = Convert.ToHexString(encoded[..Math.Min(8, encoded.Length)]);
            throw new DatasetException(name, $"the data is not a JPEG, PNG, BMP, WebP, GIF or PNM image{claims} (it starts with the bytes {head}).");
        }

        return ImageFormats.Truncation(encoded, format) is { } truncated
            ? throw new DatasetException(name, truncated + (claims.Length > 0 ? $" (It is a {ImageFormats.Describe(format)} image{claims}.)" : string.Empty))
            : format;
    }

    /// <summary>
    /// The decompression-bomb guard, called with the size a header declares before any pixel
    /// buffer exists: a <see cref="DatasetException"/> naming the file and the limit when
    /// <paramref name="width"/> × <paramref name="height"/> exceeds <paramref name="maxPixels"/>.
    /// </summary>
    internal static void CheckDeclaredSize(string name, ImageFormat format, long width, long height, long maxPixels)
    {
        if (width <= 0 || height <= 0)
        {
            throw new DatasetException(name, $"the {ImageFormats.Describe(format)} header declares an empty image ({width} × {height}).");
        }

        if (width * height > maxPixels)
        {
            throw new DatasetException(name,
                $"the {ImageFormats.Describe(format)} header declares {width} × {height} = {width * height:N0} pixels, more than the limit of {maxPixels:N0} " +
                "that guards against decompression bombs; if the image is genuine, raise ImageDatasetOptions.MaxImagePixels (camloss: --max-image-pixels) " +
                $"(or pass maxPixels to ImageDecoding; default {DefaultMaxPixels:N0} = 2^26, at most {MaxSupportedPixels:N0}).");
        }
    }

    /// <summary>Throws when <paramref name="maxPixels"/> is not in [1, <see cref="MaxSupportedPixels"/>].</summary>
    internal static void CheckLimit(long maxPixels)
    {
        if (maxPixels is < 1 or > MaxSupportedPixels)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPixels), maxPixels, $"The pixel limit must be 1 to {MaxSupportedPixels:N0}.");
        }
    }
}
