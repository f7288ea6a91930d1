namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// A user row for <see cref="ImageDataset.FromEnumerable(IEnumerable{ImageRow}, IEnumerable{string}?, ImageDatasetOptions?)"/>:
/// exactly one of <see cref="ImagePath"/>, <see cref="ImageBytes"/> or <see cref="ImageStream"/>, plus the label.
/// </summary>
public sealed class ImageRow
{
    /// <summary>Path of an image file.</summary>
    public string? ImagePath { get; init; }

    /// <summary>Encoded image bytes (JPEG, PNG …).</summary>
    public byte[]? ImageBytes { get; init; }

    /// <summary>A stream holding an encoded image; it is read to its end when the data set is built.</summary>
    public Stream? ImageStream { get; init; }

    /// <summary>A name for messages about bytes or stream images; default <c>&lt;bytes&gt;</c> / <c>&lt;stream&gt;</c>.</summary>
    public string? Name { get; init; }

    /// <summary>The class name.</summary>
    public required string Label { get; init; }

    internal ImageSource ToSource()
    {
        var given = (ImagePath is null ? 0 : 1) + (ImageBytes is null ? 0 : 1) + (ImageStream is null ? 0 : 1);
        if (given != 1)
        {
            throw new ArgumentException($"An ImageRow needs exactly one of ImagePath, ImageBytes or ImageStream; this one (label '{Label}') has {given}.");
        }

        return ImagePath is { } path ? ImageSource.FromFile(path)
            : ImageBytes is { } bytes ? ImageSource.FromBytes(bytes, Name)
            : ImageSource.FromStream(ImageStream!, Name);
    }
}
