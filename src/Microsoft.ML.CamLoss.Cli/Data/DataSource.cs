using Microsoft.ML.CamLoss.Data;

namespace Microsoft.ML.CamLoss.Cli.Data;

/// <summary>
/// A data set folder whose layout is known (found by <see cref="DataLocator"/>): loads its train
/// and test splits, or, for layouts without a split (a plain image folder, a lone IDX pair), the
/// whole set whatever split is asked for.
/// </summary>
internal sealed class DataSource
{
    private readonly Func<DataSplit, ImageDatasetOptions, ImageDataset> _load;
    private readonly string? _validationFolder;

    /// <summary>Creates a source.</summary>
    /// <param name="format">The layout.</param>
    /// <param name="root">The folder.</param>
    /// <param name="description">The layout in words, e.g. <c>ImageFolder with train/ and test/</c>.</param>
    /// <param name="hasTestSplit">Whether there are test images apart from the training ones.</param>
    /// <param name="load">Loads one split.</param>
    /// <param name="validationFolder">An ImageFolder <c>val/</c> folder, if there is one.</param>
    public DataSource(DataFormat format, string root, string description, bool hasTestSplit, Func<DataSplit, ImageDatasetOptions, ImageDataset> load, string? validationFolder = null)
    {
        Format = format;
        Root = root;
        Description = description;
        HasTestSplit = hasTestSplit;
        _load = load;
        _validationFolder = validationFolder;
    }

    /// <summary>The layout.</summary>
    public DataFormat Format { get; }

    /// <summary>The folder, as a full path.</summary>
    public string Root { get; }

    /// <summary>The layout in words.</summary>
    public string Description { get; }

    /// <summary>Whether there are test images apart from the training ones (what --split test and the end-of-training evaluation use).</summary>
    public bool HasTestSplit { get; }

    /// <summary>Whether images are greyscale (IDX): a grey-to-RGB step must come first in the preprocessing.</summary>
    public bool IsGrayscale => Format == DataFormat.Idx;

    /// <summary><paramref name="split"/> of the data (all of it for a layout without splits).</summary>
    public ImageDataset Load(DataSplit split, ImageDatasetOptions options) => _load(split, options);

    /// <summary>The ImageFolder <c>val/</c> folder's images, or null when there is none.</summary>
    public ImageDataset? LoadValidation(ImageDatasetOptions options) =>
        _validationFolder is null ? null : ImageFolder.Load(_validationFolder, options);

    /// <inheritdoc />
    public override string ToString() => $"{Root} ({Description})";
}
