using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Training;

/// <summary>The engine end to end, on the flowers12 images and a tiny network: fit, evaluate, load the run's checkpoint, predict.</summary>
[TestClass]
public sealed class EndToEndTests
{
    [TestMethod]
    public void FitEvaluateFromCheckpointPredict_Flowers12_CheckpointModelGivesIdenticalPredictionsAndCams()
    {
        var root = SharedData.Require("flowers12");
        var directory = Directory.CreateTempSubdirectory("camloss-e2e-").FullName;
        var handles = TorchSharp.torch.Tensor.TotalCount;
        var networkParameters = 0;
        try
        {
            var train = ImageFolder.Load(Path.Combine(root, "train"));
            var test = ImageFolder.Load(Path.Combine(root, "test"));

            var preprocessing = new ImagePipeline()
                .Resize(40, 40)
                .RandomCrop(32)          // training only; centre crop at scoring
                .HorizontalFlip()
                .NormalizeImageNet();
            var run = Path.Combine(directory, "run");
            var trainer = new CamLossImageClassificationTrainer(new()
            {
                Architecture = Architecture.ResNet8, Epochs = 3, BatchSize = 32, LearningRate = 0.05, CamLossWeight = 3, CamLossStartEpoch = 1,
                Seed = 1, CheckpointDirectory = run,
            });

            var reports = new List<TrainingProgress>();
            using var model = trainer.Fit(train, preprocessing, new SynchronousProgress<TrainingProgress>(reports.Add));
            var metrics = model.Transform(test).Evaluate();
            using var loaded = ImageClassificationModel.FromCheckpoint(run);
            networkParameters = model.Network.parameters().Count();

            // Training ran its epochs with CAM-loss switched on from epoch 1, and learned something.
            Assert.AreEqual(3, reports.Count(r => r.IsEpochEnd));
            CollectionAssert.AreEqual(new[] { 0.0, 3.0, 3.0 }, reports.Where(r => r.IsEpochEnd).Select(r => r.Alpha).ToArray());
            Assert.IsTrue(reports.Last().Terms.ContainsKey("cam"));
            Assert.IsGreaterThan(1.5 / 12, metrics.MicroAccuracy, $"test accuracy {metrics.MicroAccuracy:P1} is not above chance");
            Assert.AreEqual(240, metrics.ConfusionMatrix.NumberOfClasses * 20);

            // The checkpoint's model is the same model: same classes, preprocessing, history, predictions and maps.
            CollectionAssert.AreEqual(model.ClassNames.ToArray(), loaded.ClassNames.ToArray());
            CollectionAssert.AreEqual(model.InputShape.ToArray(), loaded.InputShape.ToArray());
            Assert.AreEqual(model.History.Count, loaded.History.Count);
            var options = new ScoringOptions { IncludeCam = true, IncludeCaam = true, Resolution = MapResolution.Input };
            var before = model.CreatePredictionEngine(options);
            var after = loaded.CreatePredictionEngine(options);
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
        Assert.AreEqual(handles + (2 * networkParameters), TorchSharp.torch.Tensor.TotalCount, "every tensor made by fit, evaluate, loading and predict was released");
    }
}
