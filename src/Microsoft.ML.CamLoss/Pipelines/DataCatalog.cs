using Microsoft.ML.CamLoss.Data;

namespace Microsoft.ML.CamLoss.Pipelines;

/// <summary>Loads data sets in their published layouts (see <c>CamLossContext.Data</c>).</summary>
public sealed class DataCatalog
{
    private readonly CamLossContext _context;

    internal DataCatalog(CamLossContext context) => _context = context;

    /// <summary>An image folder: <c>root/&lt;class&gt;/&lt;image&gt;</c>, classes in ordinal order of folder names.</summary>
    public ImageDataset LoadImageFolder(string root, ImageDatasetOptions? options = null) => ImageFolder.Load(root, options);

    /// <summary>CUB-200-2011 in its official layout (<c>images.txt</c>, <c>train_test_split.txt</c> …).</summary>
    public ImageDataset LoadCub200(string root, DataSplit split = DataSplit.Train, ImageDatasetOptions? options = null) => Cub200.Load(root, split, options);

    /// <summary>Stanford Dogs in its official layout (<c>Images/</c>, <c>lists/*.mat</c>).</summary>
    public ImageDataset LoadStanfordDogs(string root, DataSplit split = DataSplit.Train, ImageDatasetOptions? options = null) => StanfordDogs.Load(root, split, options);

    /// <summary>CIFAR-10 binary batches (<c>data_batch_*.bin</c>, <c>test_batch.bin</c>).</summary>
    public ImageDataset LoadCifar10(string folder, DataSplit split = DataSplit.Train) => Cifar.Load10(folder, split);

    /// <summary>CIFAR-100 binary files (<c>train.bin</c>, <c>test.bin</c>) with fine or coarse labels.</summary>
    public ImageDataset LoadCifar100(string folder, DataSplit split = DataSplit.Train, Cifar100Labels labels = Cifar100Labels.Fine) => Cifar.Load100(folder, split, labels);

    /// <summary>An IDX image file and its label file (MNIST layout), gzipped or not.</summary>
    public ImageDataset LoadIdx(string imagesPath, string labelsPath, IEnumerable<string>? classNames = null) => Idx.Load(imagesPath, labelsPath, classNames);

    /// <summary>Fashion-MNIST; by default from Debian's <c>dataset-fashion-mnist</c> package.</summary>
    public ImageDataset LoadFashionMnist(DataSplit split = DataSplit.Train, string folder = Idx.DebianFashionMnistFolder) => Idx.LoadFashionMnist(split, folder);

    /// <summary>A data set from <see cref="ImageRow"/> objects (path, bytes or stream, and the label's name), as ML.NET's <c>LoadFromEnumerable</c>.</summary>
    public ImageDataset LoadFromEnumerable(IEnumerable<ImageRow> rows, IEnumerable<string>? classes = null, ImageDatasetOptions? options = null) =>
        ImageDataset.FromEnumerable(rows, classes, options);

    /// <summary>Splits <paramref name="data"/> into train and test parts, stratified by class, from the context's seed (or <paramref name="seed"/>).</summary>
    /// <param name="data">The data set.</param>
    /// <param name="testFraction">Fraction of each class in the test part; default 0.1.</param>
    /// <param name="seed">Overrides the context's seed.</param>
    public TrainTestData TrainTestSplit(ImageDataset data, double testFraction = 0.1, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var split = data.SplitTrainValidation(testFraction, unchecked((ulong)(seed ?? _context.Seed ?? 0)));
        return new TrainTestData(split.Train, split.Validation);
    }
}
