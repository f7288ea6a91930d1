using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Pipelines;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.ML.CamLoss.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Pipelines;

/// <summary>Grey data sets (IDX, Fashion-MNIST) feed RGB backbones: the trainer puts a grey-to-RGB step in front of the user's transforms.</summary>
[TestClass]
public sealed class GreyInputTests
{
    [TestMethod]
    public void Fit_GreyImagesThroughNormalizeImageNet_ExpandsToRgbBeforeTheUsersTransforms()
    {
        using var temp = new TempFolder();
        var ml = new CamLossContext(seed: 1);
        var data = GreyData(temp, ml);

        // NormalizeImageNet has three channel means: before the fix the grey check ran it on the grey image and threw.
        using var model = ml.Transforms.LoadImages()
            .Append(ml.Transforms.NormalizeImageNet())
            .Append(Trainer(ml))
            .Fit(data);

        CollectionAssert.AreEqual(new long[] { 3, 8, 8 }, model.InputShape.ToArray());
        Assert.IsInstanceOfType<GrayscaleToRgbTransform>(model.Preprocessing.Transforms[0]);
        Assert.HasCount(8, model.Transform(data));
    }

    [TestMethod]
    public void Fit_GreyImagesWithTheUsersGrayscaleToRgb_AddsNoSecondOne()
    {
        using var temp = new TempFolder();
        var ml = new CamLossContext(seed: 1);
        var data = GreyData(temp, ml);

        using var model = ml.Transforms.LoadImages()
            .Append(ml.Transforms.GrayscaleToRgb())
            .Append(ml.Transforms.NormalizeImageNet())
            .Append(Trainer(ml))
            .Fit(data);

        Assert.AreEqual(1, model.Preprocessing.Transforms.Count(t => t is GrayscaleToRgbTransform));
        CollectionAssert.AreEqual(new long[] { 3, 8, 8 }, model.InputShape.ToArray());
    }

    /// <summary>Eight 8×8 grey images in two classes, as an IDX pair.</summary>
    private static ImageDataset GreyData(TempFolder temp, CamLossContext ml)
    {
        var pixels = Enumerable.Range(0, 8 * 8 * 8).Select(i => (byte)(i * 37)).ToArray();
        var images = temp.Write("images.idx", SyntheticTrees.Idx([8, 8, 8], pixels, gzip: false));
        var labels = temp.Write("labels.idx", SyntheticTrees.Idx([8], [0, 1, 0, 1, 0, 1, 0, 1], gzip: false));
        return ml.Data.LoadIdx(images, labels);
    }

    private static CrossEntropyImageClassificationTrainer Trainer(CamLossContext ml) =>
        ml.MulticlassClassification.Trainers.CrossEntropy(new CrossEntropyImageClassificationTrainer.Options
        {
            Architecture = Architecture.ResNet8, Epochs = 1, BatchSize = 4, LearningRate = 0.01, DataLoaderWorkers = 0,
        });
}
