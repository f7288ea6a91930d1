using Microsoft.ML.CamLoss.Data;

namespace Microsoft.ML.CamLoss.Cli.Data;

/// <summary>
/// Every image of a data set, its train and test splits together: few-shot benchmarks split by class,
/// so a class brings all its images whatever split they were published in.
/// </summary>
internal static class AllImages
{
    /// <summary>
    /// The whole data set: for a layout without a test split, what it loads; for CUB-200-2011, Stanford
    /// Dogs and CIFAR, their reader's <see cref="DataSplit.All"/> (CUB in image-id order, as the library's
    /// <c>LoadCub200(root, DataSplit.All)</c>); otherwise (an image folder with train/ and test/, IDX) the
    /// training images then the test images, classes matched by name (the union of both lists: the training
    /// split's order first, then classes only the test split has, in ordinal order).
    /// </summary>
    public static ImageDataset Load(DataSource source, ImageDatasetOptions options)
    {
        if (source.Format is DataFormat.Cub or DataFormat.Dogs or DataFormat.Cifar)
        {
            return source.Load(DataSplit.All, options);
        }

        var train = source.Load(DataSplit.Train, options);
        if (!source.HasTestSplit)
        {
            return train;
        }

        var test = source.Load(DataSplit.Test, options);
        var names = train.Classes.Concat(test.Classes.Where(c => train.Classes.IndexOf(c) < 0).Order(StringComparer.Ordinal)).ToArray();
        var classes = new ClassNames(names);
        var samples = train.Concat(test.Select(s => s with { Label = classes.IndexOf(test.Classes[s.Label]) }));
        return new ImageDataset(samples, classes, source.Root, options);
    }
}
