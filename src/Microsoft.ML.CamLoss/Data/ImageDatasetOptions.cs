namespace Microsoft.ML.CamLoss.Data;

/// <summary>How a data set is read.</summary>
public sealed class ImageDatasetOptions
{
    private long _maxImagePixels = ImageDecoding.DefaultMaxPixels;

    /// <summary>
    /// When true, an image that cannot be used (missing, empty, corrupt, not an image, larger than
    /// <see cref="MaxImagePixels"/>, an empty class folder) is left out and recorded in
    /// <see cref="ImageDataset.SkipReport"/> instead of raising a <see cref="DatasetException"/>.
    /// Malformed list and <c>.mat</c> files still raise. Default: false.
    /// </summary>
    public bool SkipInvalidImages { get; set; }

    /// <summary>
    /// The most pixels (width × height, as the image's header declares) an image may have; a larger
    /// one is refused before any pixel buffer is allocated (a decompression-bomb guard: a few
    /// kilobytes of PNG or JPEG can declare gigapixels), with a <see cref="DatasetException"/>
    /// naming the file and the limit, or skipped under <see cref="SkipInvalidImages"/>.
    /// Default <see cref="ImageDecoding.DefaultMaxPixels"/> (2^26 = 67,108,864); at most
    /// <see cref="ImageDecoding.MaxSupportedPixels"/>.
    /// </summary>
    public long MaxImagePixels
    {
        get => _maxImagePixels;
        set
        {
            ImageDecoding.CheckLimit(value);
            _maxImagePixels = value;
        }
    }

    /// <summary>
    /// File extensions (case-insensitive, with the dot) that <see cref="ImageFolder"/> treats as
    /// images; other files are ignored. Default: torchvision's <c>IMG_EXTENSIONS</c>
    /// (.jpg .jpeg .png .ppm .bmp .pgm .tif .tiff .webp). TIFF files are listed, as torchvision
    /// lists them, but cannot be decoded (SkiaSharp has no TIFF codec): they raise, or are skipped
    /// under <see cref="SkipInvalidImages"/>, with a message that says so. Add ".gif" to read GIFs
    /// (their first frame).
    /// </summary>
    public IReadOnlyCollection<string> Extensions { get; set; } = DefaultExtensions;

    /// <summary>torchvision's image extensions.</summary>
    public static IReadOnlyCollection<string> DefaultExtensions { get; } =
        [".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp"];
}
