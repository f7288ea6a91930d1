using Microsoft.ML.CamLoss.Data;

namespace Microsoft.ML.CamLoss.Cli.Data;

/// <summary>
/// Every image of a data set, its train and test splits together: few-shot benchmarks split by class,
/// so a class brings all its images whatever split they were published in.
/// </summary>
internal static class AllImages
{
    /// <summary>
    /// The whole data set: for a layout without a test split, what it loads; otherwise the training
    /// images then the test images, classes matched by name (the union of both lists; the training
    /// split's order first, then classes only the test split has, in ordinal order).
    /// </summary>
    public static ImageDataset Load(DataSource source, ImageDatasetOptions options)
    {
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
