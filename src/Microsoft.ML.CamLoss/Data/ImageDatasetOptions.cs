namespace Microsoft.ML.CamLoss.Data;

/// <summary>How a data set is read.</summary>
public sealed class ImageDatasetOptions
{
    /// <summary>
    /// When true, an image that cannot be used (missing, empty, corrupt, not an image, an empty
    /// class folder) is left out and recorded in <see cref="ImageDataset.SkipReport"/> instead of
    /// raising a <see cref="DatasetException"/>. Malformed list and <c>.mat</c> files still raise.
    /// Default: false.
    /// </summary>
    public bool SkipInvalidImages { get; set; }

    /// <summary>
    /// File extensions (case-insensitive, with the dot) that <see cref="ImageFolder"/> treats as
    /// images; other files are ignored. Default: torchvision's <c>IMG_EXTENSIONS</c>
    /// (.jpg .jpeg .png .ppm .bmp .pgm .tif .tiff .webp).
    /// </summary>
    public IReadOnlyCollection<string> Extensions { get; set; } = DefaultExtensions;

    /// <summary>torchvision's image extensions.</summary>
    public static IReadOnlyCollection<string> DefaultExtensions { get; } =
        [".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp"];
}
