using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.ML.CamLoss.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Training;

/// <summary>Grey data sets (IDX, Fashion-MNIST) feed RGB backbones: the trainer puts a grey-to-RGB step in front of the user's transforms.</summary>
[TestClass]
public sealed class GreyInputTests
{
    [TestMethod]
    public void Fit_GreyImagesThroughNormalizeImageNet_ExpandsToRgbBeforeTheUsersTransforms()
    {
        using var temp = new TempFolder();
        var data = GreyData(temp);

        // NormalizeImageNet has three channel means: before the fix the grey check ran it on the grey image and threw.
        using var model = Trainer().Fit(data, new ImagePipeline().NormalizeImageNet());

        CollectionAssert.AreEqual(new long[] { 3, 8, 8 }, model.InputShape.ToArray());
        Assert.IsInstanceOfType<GrayscaleToRgbTransform>(model.Preprocessing.Transforms[0]);
        Assert.HasCount(8, model.Transform(data));
    }

    [TestMethod]
    public void Fit_GreyImagesWithTheUsersGrayscaleToRgb_AddsNoSecondOne()
    {
        using var temp = new TempFolder();
        var data = GreyData(temp);

        using var model = Trainer().Fit(data, new ImagePipeline().GrayscaleToRgb().NormalizeImageNet());

        Assert.AreEqual(1, model.Preprocessing.Transforms.Count(t => t is GrayscaleToRgbTransform));
        CollectionAssert.AreEqual(new long[] { 3, 8, 8 }, model.InputShape.ToArray());
    }

    /// <summary>Eight 8×8 grey images in two classes, as an IDX pair.</summary>
    private static ImageDataset GreyData(TempFolder temp)
    {
        var pixels = Enumerable.Range(0, 8 * 8 * 8).Select(i => (byte)(i * 37)).ToArray();
        var images = temp.Write("images.idx", SyntheticTrees.Idx([8, 8, 8], pixels, gzip: false));
        var labels = temp.Write("labels.idx", SyntheticTrees.Idx([8], [0, 1, 0, 1, 0, 1, 0, 1], gzip: false));
        return Idx.Load(images, labels);
    }

    private static CrossEntropyImageClassificationTrainer Trainer() =>
        new(new()
        {
            Architecture = Architecture.ResNet8, Epochs = 1, BatchSize = 4, LearningRate = 0.01, DataLoaderWorkers = 0, Seed = 1,
        });
}
