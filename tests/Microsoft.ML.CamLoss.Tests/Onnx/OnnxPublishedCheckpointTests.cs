using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Onnx;

/// <summary>
/// The published CIFAR-10 ResNet-20/56 checkpoints (../shared/data/pretrained), exported and scored by
/// ONNX Runtime on the 10,000 cifar10-jpeg test images through <see cref="OnnxImageClassifier.Transform"/>,
/// get exactly the TorchSharp path's accuracy: 8,103 (81.03 %) and 8,320 (83.20 %) correct, which is
/// PyTorch's count (Fixtures/cifar10_predictions.json; <c>camloss evaluate</c> on the checkpoint gives the
/// same, see EvaluateCommandTests). Inconclusive without ../shared/data.
/// </summary>
[TestClass]
public sealed class OnnxPublishedCheckpointTests
{
    private static readonly JsonFixture Expected = JsonFixture.Open("cifar10_predictions.json");

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow(20, Architecture.ResNet20)]
    [DataRow(56, Architecture.ResNet56)]
    public void PublishedCheckpoint_ExportedAndScoredByOnnxRuntime_SameAccuracyAsTorchSharp(int depth, Architecture architecture)
    {
        var reference = Expected.Get($"resnet{depth}");
        var checkpoint = SharedData.Require($"pretrained/cifar10-resnet/{reference.GetProperty("file").GetString()}");
        var root = SharedData.Require("cifar10-jpeg/test");
        var data = ImageFolder.Load(root);
        var preprocessing = new ImagePipeline().NormalizeImageNet();
        byte[] onnx;
        using (var model = ImageClassificationModel.FromPyTorchCheckpoint(checkpoint, architecture, data.Classes, preprocessing, [3, 32, 32]))
        {
            onnx = OnnxExport.ToBytes(model);
        }

        using var classifier = new OnnxImageClassifier(onnx, $"resnet{depth}.onnx");
        var scored = classifier.Transform(data, new ScoringOptions { BatchSize = 500 });

        var correct = Enumerable.Range(0, scored.Count).Count(i => scored[i].PredictedLabelIndex == scored.Labels[i]);
        var order = Enumerable.Range(0, data.Count).OrderBy(i => data[i].Image.Name, StringComparer.Ordinal).ToArray();   // the generator's sorted order
        var pyTorch = reference.GetProperty("predictions").EnumerateArray().Select(p => p.GetInt32()).ToArray();
        var differing = Enumerable.Range(0, order.Length).Count(k => scored[order[k]].PredictedLabelIndex != pyTorch[k]);
        var expected = reference.GetProperty("correct").GetInt32();
        var report = $"ResNet-{depth} on ONNX Runtime: {correct}/{scored.Count} = {100.0 * correct / scored.Count:F2} % (TorchSharp and PyTorch: {expected}); " +
                     $"{differing} predictions differ from PyTorch's";
        TestContext.WriteLine(report);
        Assert.AreEqual(expected, correct, report);
    }
}
