using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Pipelines;
using Microsoft.ML.CamLoss.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Microsoft.ML.CamLoss.Scoring;

namespace Microsoft.ML.CamLoss.Tests.Pipelines;

/// <summary>DESIGN.md's example with real names, on the flowers12 images and a tiny network: fit, evaluate, save, load, predict.</summary>
[TestClass]
public sealed class EndToEndTests
{
    [TestMethod]
    public void DesignExample_Flowers12_FitEvaluateSaveLoadPredictGiveIdenticalPredictionsAndCams()
    {
        var root = SharedData.Require("flowers12");
        var directory = Directory.CreateTempSubdirectory("camloss-e2e-").FullName;
        var handles = TorchSharp.torch.Tensor.TotalCount;
        var networkParameters = 0;
        try
        {
            var ml = new CamLossContext(seed: 1);
            var train = ml.Data.LoadImageFolder(Path.Combine(root, "train"));
            var test = ml.Data.LoadImageFolder(Path.Combine(root, "test"));

            var pipeline = ml.Transforms.LoadImages()
                .Append(ml.Transforms.ResizeImages(40, 40))
                .Append(ml.Transforms.RandomCrop(32, 32))          // training only; centre crop at scoring
                .Append(ml.Transforms.HorizontalFlip())
                .Append(ml.Transforms.NormalizeImageNet())
                .Append(ml.MulticlassClassification.Trainers.CamLoss(new CamLossImageClassificationTrainer.Options
                {
                    Architecture = Architecture.ResNet8, Epochs = 3, BatchSize = 32, LearningRate = 0.05, CamLossWeight = 3, CamLossStartEpoch = 1,
                }));

            var reports = new List<TrainingProgress>();
            using var model = pipeline.Fit(train, progress: new SynchronousProgress<TrainingProgress>(reports.Add));
            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
            var path = Path.Combine(directory, "flowers.camloss");
            model.Save(path);
            using var loaded = ml.Model.Load(path);
            networkParameters = model.Network.parameters().Count();

            // Training ran its epochs with CAM-loss switched on from epoch 1, and learned something.
            Assert.AreEqual(3, reports.Count(r => r.IsEpochEnd));
            CollectionAssert.AreEqual(new[] { 0.0, 3.0, 3.0 }, reports.Where(r => r.IsEpochEnd).Select(r => r.Alpha).ToArray());
            Assert.IsTrue(reports.Last().Terms.ContainsKey("cam"));
            Assert.IsGreaterThan(1.5 / 12, metrics.MicroAccuracy, $"test accuracy {metrics.MicroAccuracy:P1} is not above chance");
            Assert.AreEqual(240, metrics.ConfusionMatrix.NumberOfClasses * 20);

            // The loaded model is the same model: same classes, preprocessing, history, predictions and maps.
            CollectionAssert.AreEqual(model.ClassNames.ToArray(), loaded.ClassNames.ToArray());
            CollectionAssert.AreEqual(model.InputShape.ToArray(), loaded.InputShape.ToArray());
            Assert.AreEqual(model.History.Count, loaded.History.Count);
            var options = new ScoringOptions { IncludeCam = true, IncludeCaam = true, Resolution = MapResolution.Input };
            var before = model.CreatePredictionEngine(options);
            var after = ml.Model.CreatePredictionEngine(loaded, options);
            foreach (var image in Directory.EnumerateFiles(Path.Combine(root, "test"), "*.jpg", SearchOption.AllDirectories).Order().Take(12))
            {
                var p = before.Predict(File.ReadAllBytes(image), image);
                var q = after.Predict(image);
                Assert.AreEqual(p.PredictedLabel, q.PredictedLabel, image);
                CollectionAssert.AreEqual(p.Score, q.Score, image);
                Assert.AreEqual(32, p.Cam!.Height);
                CollectionAssert.AreEqual(p.Cam.Values.ToArray(), q.Cam!.Values.ToArray(), image);
                CollectionAssert.AreEqual(p.Caam!.Values.ToArray(), q.Caam!.Values.ToArray(), image);
            }

            // Batch scoring and single-image prediction agree (to float rounding: convolution kernels differ with the batch size).
            var scored = loaded.Transform(test);
            var single = after.Predict(test[0].Image);
            Assert.AreEqual(scored[0].PredictedLabel, single.PredictedLabel);
            for (var c = 0; c < single.Score.Length; c++)
            {
                Assert.AreEqual(scored[0].Score[c], single.Score[c], 1e-5);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        // TorchSharp 0.107's Parameter constructor moves the native handle out of the tensor it wraps without
        // decrementing Tensor.TotalCount (NN/Parameter.cs), so each parameter ever created stays counted once
        // although its memory is freed: the fitted and the loaded network add one per parameter each. Any
        // other difference is a tensor that was not disposed.
        Assert.AreEqual(handles + (2 * networkParameters), TorchSharp.torch.Tensor.TotalCount, "every tensor made by fit, evaluate, save, load and predict was released");
    }
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread (unlike <see cref="Progress{T}"/>, which posts to the thread pool).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
