using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.MLNet;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.MLNet;

/// <summary>
/// <c>mlContext.Transforms.ApplyPyTorchClassifier</c>: a weights file as a fitted ML.NET classifier, scoring what the
/// TorchSharp network scores on the same pixels (ML.NET's decode and resize for both).
/// </summary>
[TestClass]
public sealed class MLNetPyTorchClassifierTests
{
    private static readonly string[] Classes = ["c00", "c01", "c02"];

    [TestMethod]
    public void ApplyPyTorchClassifier_WeightsFile_ScoresAsTheNetworkWithin1e4AndEvaluates()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var raw = ml.Data.LoadImageFolder(MLNetScenario.Images(temp, perClass: 2));
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.LoadRawImageBytes("Image", null, "ImagePath")).Fit(raw).Transform(raw);
        manual_seed(3);
        using var network = Backbones.Create(Architecture.ResNet8, Classes.Length);
        var weights = Path.Combine(temp.Path, "resnet8.weights");
        network.SaveWeights(weights);

        var model = ml.Transforms.ApplyPyTorchClassifier(weights, Architecture.ResNet8, Classes, imageSize: (32, 32)).Fit(data);
        var scores = model.Transform(data).GetColumn<float[]>("Score").ToList();
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(data));

        var pixels = DataViewImages.ToDataset(ml, data, "Image", "Label", Classes, (32, 32), ImageResizingEstimator.ResizingKind.IsoCrop, "reference").InMemory!;
        network.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var bytes = Enumerable.Range(0, pixels.Count).SelectMany(i => pixels.GetImage(i).ToArray()).ToArray();
        var batch = tensor(bytes).reshape(pixels.Count, 3, 32, 32).to(float32) / 255;
        var mean = tensor(new[] { 0.485f, 0.456f, 0.406f }).reshape(1, 3, 1, 1);
        var std = tensor(new[] { 0.229f, 0.224f, 0.225f }).reshape(1, 3, 1, 1);
        var expected = nn.functional.softmax(network.forward((batch - mean) / std).Logits, 1);
        var worst = 0.0;
        for (var i = 0; i < scores.Count; i++)
        {
            worst = Math.Max(worst, scores[i].Select((s, k) => Math.Abs(s - expected[i, k].item<float>())).Max());
        }

        Console.WriteLine($"worst |Δscore| TorchSharp vs ML.NET/ONNX {worst:E2} over {scores.Count} images");
        Assert.IsTrue(worst <= 1e-4, $"{worst}");   // float32 TorchSharp vs ONNX Runtime with folded BatchNorm: the tolerance of MLNetAgreementTests
        Assert.AreEqual(3, metrics.ConfusionMatrix.NumberOfClasses);
    }

    [TestMethod]
    public void ApplyPyTorchClassifier_OtherClassCountThanWeights_NamesBothAndTheFix()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var raw = ml.Data.LoadImageFolder(MLNetScenario.Images(temp, perClass: 1));
        var data = ml.Transforms.LoadRawImageBytes("Image", null, "ImagePath").Fit(raw).Transform(raw);
        using var network = Backbones.Create(Architecture.ResNet8, 4);
        var weights = Path.Combine(temp.Path, "resnet8.weights");
        network.SaveWeights(weights);

        var error = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.ApplyPyTorchClassifier(weights, Architecture.ResNet8, Classes).Fit(data));
        Assert.AreEqual(
            $"Pretrained weights '{weights}' have a classifier for 4 classes (linear.weight [4, 64]) but the data has 3 classes. Give ApplyPyTorchClassifier the checkpoint's own architecture and its class names in output order (3 given).",
            error.Message);
    }
}
