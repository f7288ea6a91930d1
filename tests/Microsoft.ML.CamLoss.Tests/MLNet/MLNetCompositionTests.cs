using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.MLNet;

/// <summary>The trainer composes with ML.NET's own operations: TrainTestSplit, CrossValidate, MapKeyToValue, LoadImages + ResizeImages.</summary>
[TestClass]
public sealed class MLNetCompositionTests
{
    [TestMethod]
    public void TrainTestSplit_FitOnTrainEvaluateOnTest_ConfusionMatrixHasClassNames()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var split = ml.Data.TrainTestSplit(ml.Data.LoadImageFolder(MLNetScenario.Images(temp)), testFraction: 0.25, seed: 3);
        var model = MLNetScenario.Pipeline(ml, MLNetScenario.Options()).Fit(split.TrainSet);

        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
        Console.WriteLine($"test micro accuracy {metrics.MicroAccuracy:F3}");
        Assert.AreEqual(3, metrics.ConfusionMatrix.NumberOfClasses);
        var table = metrics.ConfusionMatrix.GetFormattedConfusionTable();
        StringAssert.Contains(table, "c01");
    }

    [TestMethod]
    public void CrossValidate_ThreeFolds_ThreeResultsWithModels()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadImageFolder(MLNetScenario.Images(temp, perClass: 9));

        var results = ml.MulticlassClassification.CrossValidate(data, MLNetScenario.Pipeline(ml, MLNetScenario.Options()), numberOfFolds: 3);
        Assert.HasCount(3, results);
        foreach (var fold in results)
        {
            Console.WriteLine($"fold {fold.Fold}: micro accuracy {fold.Metrics.MicroAccuracy:F3}");
            Assert.IsNotNull(fold.Model);
            Assert.AreEqual(3, fold.Metrics.ConfusionMatrix.NumberOfClasses);
        }
    }

    [TestMethod]
    public void LoadImagesAndResizeImages_InFrontOfTrainer_TrainsAtTheResizedSizeAndMapKeyToValueGivesNames()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadImageFolder(MLNetScenario.Images(temp, perClass: 6));
        var options = MLNetScenario.Options(epochs: 1);
        options.ImageSize = null;   // taken from the ResizeImages column: 32 × 32
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.LoadImages("Loaded", null, "ImagePath"))
            .Append(ml.Transforms.ResizeImages("Image", 32, 32, "Loaded"))
            .Append(ml.MulticlassClassification.Trainers.CamLoss(options))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedName", "PredictedLabel"));

        var model = pipeline.Fit(data);
        var scored = model.Transform(data);
        Assert.IsInstanceOfType<KeyDataViewType>(scored.Schema["PredictedLabel"].Type);
        Assert.AreEqual(TextDataViewType.Instance, scored.Schema["PredictedName"].Type);
        var names = scored.GetColumn<string>("PredictedName").ToList();
        Assert.HasCount(18, names);
        Assert.IsTrue(names.All(n => n is "c00" or "c01" or "c02"), string.Join(", ", names));
        Assert.AreEqual(3, ((VectorDataViewType)scored.Schema["Score"].Type).Size);
    }
}
