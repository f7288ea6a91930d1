using Microsoft.ML.CamLoss.Training;
namespace Microsoft.ML.CamLoss.Explain;

/// <summary>What <see cref="ExplanationGallery.Write(Microsoft.ML.CamLoss.Training.ImageClassificationModel, Data.ImageDataset, string, int, ulong)"/> wrote.</summary>
public sealed class GalleryResult
{
    internal GalleryResult(string directory, IReadOnlyList<GalleryEntry> entries, int scale, IReadOnlyList<long> imageSize)
    {
        Directory = directory;
        Entries = entries;
        Scale = scale;
        ImageSize = imageSize;
    }

    /// <summary>The gallery folder (full path).</summary>
    public string Directory { get; }

    /// <summary>The images, in gallery order (top to bottom).</summary>
    public IReadOnlyList<GalleryEntry> Entries { get; }

    /// <summary>The whole factor the network's input pictures were enlarged by for viewing (1 for pictures of 128 pixels or more).</summary>
    public int Scale { get; }

    /// <summary>Height and width of the network's input pictures (before enlarging), from the first image.</summary>
    public IReadOnlyList<long> ImageSize { get; }

    /// <summary>Full path of <c>gallery.png</c>: every row, top to bottom.</summary>
    public string GalleryPath => Path.Combine(Directory, ExplanationGallery.GalleryFileName);

    /// <summary>Full path of <c>gallery.json</c>: per image its source, true and predicted label, probability and file names.</summary>
    public string JsonPath => Path.Combine(Directory, ExplanationGallery.JsonFileName);
}
