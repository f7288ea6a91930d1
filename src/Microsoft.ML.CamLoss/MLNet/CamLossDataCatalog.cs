using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.MLNet;

namespace Microsoft.ML;

/// <summary>
/// Data sets in their published layouts as ML.NET data views (<c>mlContext.Data.LoadImageFolder(...)</c> …), thin
/// wrappers over the library's readers (<see cref="ImageFolder"/>, <see cref="Cub200"/>, <see cref="StanfordDogs"/>,
/// <see cref="Cifar"/>, <see cref="Idx"/>). Columns: <c>ImagePath</c> (text) for files or <c>Image</c> (an <c>MLImage</c>)
/// for CIFAR and IDX, <c>Label</c> (the class name as text: make it a key with <c>MapValueToKey("Label")</c>), and for
/// CUB-200-2011 and Stanford Dogs the bounding box (<c>BoxX</c>, <c>BoxY</c>, <c>BoxWidth</c>, <c>BoxHeight</c>, pixels; NaN for an
/// image without one) when the layout has them.
/// </summary>
public static class CamLossDataCatalog
{
    /// <summary>An image folder: <c>root/&lt;class&gt;/&lt;image&gt;</c>, classes in ordinal order of folder names. Columns <c>ImagePath</c>, <c>Label</c>.</summary>
    public static IDataView LoadImageFolder(this DataOperationsCatalog catalog, string root, ImageDatasetOptions? options = null) =>
        View(catalog, ImageFolder.Load(root, options));

    /// <summary>CUB-200-2011 in its official layout. Columns <c>ImagePath</c>, <c>Label</c>, and the bounding box when <c>bounding_boxes.txt</c> is there.</summary>
    public static IDataView LoadCub200(this DataOperationsCatalog catalog, string root, DataSplit split = DataSplit.Train, ImageDatasetOptions? options = null) =>
        View(catalog, Cub200.Load(root, split, options));

    /// <summary>Stanford Dogs in its official layout (<c>Images/</c>, <c>lists/*.mat</c>). Columns <c>ImagePath</c>, <c>Label</c>, and the first object's bounding box when <c>Annotation/</c> is there.</summary>
    public static IDataView LoadStanfordDogs(this DataOperationsCatalog catalog, string root, DataSplit split = DataSplit.Train, ImageDatasetOptions? options = null) =>
        View(catalog, StanfordDogs.Load(root, split, options));

    /// <summary>CIFAR-10 binary batches. Columns <c>Image</c> (32 × 32 <c>MLImage</c>), <c>Label</c>.</summary>
    public static IDataView LoadCifar10(this DataOperationsCatalog catalog, string folder, DataSplit split = DataSplit.Train) =>
        View(catalog, Cifar.Load10(folder, split));

    /// <summary>CIFAR-100 binary files with fine or coarse labels. Columns <c>Image</c>, <c>Label</c>.</summary>
    public static IDataView LoadCifar100(this DataOperationsCatalog catalog, string folder, DataSplit split = DataSplit.Train, Cifar100Labels labels = Cifar100Labels.Fine) =>
        View(catalog, Cifar.Load100(folder, split, labels));

    /// <summary>An IDX image file and its label file (MNIST layout). Columns <c>Image</c> (grey repeated to RGB), <c>Label</c>.</summary>
    public static IDataView LoadIdx(this DataOperationsCatalog catalog, string imagesPath, string labelsPath, IEnumerable<string>? classNames = null) =>
        View(catalog, Idx.Load(imagesPath, labelsPath, classNames));

    /// <summary>Fashion-MNIST (by default from Debian's <c>dataset-fashion-mnist</c>). Columns <c>Image</c>, <c>Label</c>.</summary>
    public static IDataView LoadFashionMnist(this DataOperationsCatalog catalog, DataSplit split = DataSplit.Train, string folder = Idx.DebianFashionMnistFolder) =>
        View(catalog, Idx.LoadFashionMnist(split, folder));

    private static IDataView View(DataOperationsCatalog catalog, ImageDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return DatasetDataView.Create(new MLContext(), dataset);
    }
}
