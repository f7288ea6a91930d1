using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.MLNet;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.ML.CamLoss.Training;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.MLNet;

/// <summary>
/// The fitted ML.NET model scores what the trainer's own validation pass scores: the same network (TorchSharp there, the
/// exported ONNX graph through ML.NET here) on the same pixels (ML.NET's decode and resize for both).
/// </summary>
[TestClass]
public sealed class MLNetAgreementTests
{
    [TestMethod]
    public void FittedModel_SameImagesAsValidationPass_SameLabelsScoresWithin1e4()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var raw = ml.Data.LoadImageFolder(MLNetScenario.Images(temp, perClass: 6));
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.LoadRawImageBytes("Image", null, "ImagePath")).Fit(raw).Transform(raw);
        var options = MLNetScenario.Options(epochs: 1);
        string[] classes = ["c00", "c01", "c02"];
        var dataset = DataViewImages.ToDataset(ml, data, "Image", "Label", classes, (32, 32), ImageResizingEstimator.ResizingKind.IsoCrop, "agreement");
        var trainer = (CamLossImageClassificationTrainer)ml.MulticlassClassification.Trainers.CamLoss(options).Trainer;
        using var model = trainer.Fit(dataset, options.Augmentation!);

        var validation = model.Transform(dataset, new ScoringOptions { BatchSize = options.BatchSize });   // what TrainingRun's validation runs
        var transformer = ImageClassificationEstimator.ToTransformer(
            ml, model, ImageColumnKind.Bytes, "Image", "Label", (32, 32), ImageResizingEstimator.ResizingKind.IsoCrop, OnnxMaps.None, MapResolution.Feature, data);
        var scores = transformer.Transform(data).GetColumn<float[]>("Score").ToList();
        var predicted = transformer.Transform(data).GetColumn<uint>("PredictedLabel").ToList();

        Assert.HasCount(validation.Count, scores);
        var worst = 0.0;
        for (var i = 0; i < scores.Count; i++)
        {
            Assert.AreEqual(validation[i].PredictedLabelIndex + 1, (int)predicted[i], $"image {i}");
            worst = Math.Max(worst, scores[i].Zip(validation[i].Score, (a, b) => Math.Abs(a - b)).Max());
        }

        Console.WriteLine($"worst |Δscore| TorchSharp validation vs ML.NET/ONNX {worst:E2} over {scores.Count} images");
        Assert.IsTrue(worst <= 1e-4, $"{worst}");   // float32 TorchSharp vs ONNX Runtime with folded BatchNorm: the 1e-4
    }

    [TestMethod]
    public void FittedModel_ImageNetWeights_MeanImageInsideGraphAgreesWithValidationPass()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var raw = ml.Data.LoadImageFolder(MLNetScenario.Images(temp, perClass: 2));
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.LoadRawImageBytes("Image", null, "ImagePath")).Fit(raw).Transform(raw);
        var options = MLNetScenario.Options(epochs: 1);
        options.Architecture = CamLoss.Models.Architecture.ResNet18;
        options.PretrainedWeights = PretrainedWeights.ImageNet;
        options.ReplaceClassifier = true;
        options.ImageSize = (64, 64);   // the 224×224 mean image resized to 64×64, in training and in the graph alike
        options.Augmentation = new ImagePipeline().HorizontalFlip();
        options.BatchSize = 6;
        var estimator = ml.MulticlassClassification.Trainers.CamLoss(options);

        var fitted = estimator.Fit(data);
        var scores = fitted.Transform(data).GetColumn<float[]>("Score").ToList();

        string[] classes = ["c00", "c01", "c02"];
        var dataset = DataViewImages.ToDataset(ml, data, "Image", "Label", classes, (64, 64), ImageResizingEstimator.ResizingKind.IsoCrop, "agreement");
        using var model = ((CamLossImageClassificationTrainer)estimator.Trainer).Fit(dataset, options.Augmentation);
        Assert.IsTrue(model.Preprocessing.Transforms.Any(t => t is MeanImageNormalizeTransform), "ImageNet weights score with their mean image");
        var validation = model.Transform(dataset, new ScoringOptions { BatchSize = 6 });
        var worst = scores.Select((s, i) => s.Zip(validation[i].Score, (a, b) => Math.Abs(a - b)).Max()).Max();
        Console.WriteLine($"worst |Δscore| ResNet-18 ImageNet, TorchSharp validation vs ML.NET/ONNX {worst:E2} over {scores.Count} images");
        Assert.IsTrue(worst <= 1e-4, $"{worst}");   // same seed, same run: TorchSharp vs ONNX Runtime within the 1e-4
    }
}
