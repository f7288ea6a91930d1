using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Models;

/// <summary>
/// The published CIFAR-10 ResNet-20/56 checkpoints (shared/data/pretrained, legacy torch.save)
/// load into our option-A CIFAR ResNets and score the 10,000 cifar10-jpeg test images as PyTorch
/// does (Reference/generate_cifar_predictions.py: torch 1.13, PIL decoding, mean/std normalisation
/// as shared/data/README.md says). PyTorch: ResNet-20 8,103 correct (81.03 %), ResNet-56 8,320 (83.20 %).
/// </summary>
/// <remarks>
/// Our side decodes with SkiaSharp (libjpeg-turbo) and runs libtorch 2.10, so a few images whose two
/// best logits are nearly tied may flip: the bar is the accuracy, within 0.05 points (5 images) of
/// PyTorch's, and the test reports how many predictions differ from PyTorch's and by how much the
/// first images' logits differ.
/// </remarks>
[TestClass]
public sealed class PublishedCifarCheckpointTests
{
    /// <summary>Largest accepted accuracy difference: 0.05 percentage points of 10,000 images.</summary>
    private const int AcceptedCorrectDifference = 5;

    private static readonly JsonFixture Expected = JsonFixture.Open("cifar10_predictions.json");

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow(20)]
    [DataRow(56)]
    public void PublishedCheckpoint_Cifar10JpegTest_ScoresAsPyTorch(int depth)
    {
        var reference = Expected.Get($"resnet{depth}");
        var checkpoint = SharedData.Require($"pretrained/cifar10-resnet/{reference.GetProperty("file").GetString()}");
        var (images, labels) = CifarTestSet.Load(SharedData.Require("cifar10-jpeg/test"));
        using var imagesOwner = images;
        using var model = new CifarResNet(depth);
        model.LoadWeights(checkpoint);
        model.eval();

        var predictions = new long[images.shape[0]];
        Tensor firstLogits;
        using (torch.no_grad())
        {
            for (var start = 0; start < predictions.Length; start += 500)
            {
                using var scope = torch.NewDisposeScope();
                using var output = model.forward(images.narrow(0, start, Math.Min(500, predictions.Length - start)));
                output.Logits.argmax(1).data<long>().ToArray().CopyTo(predictions, start);
            }

            using var first = model.forward(images.narrow(0, 0, 4));
            firstLogits = first.Logits.clone();
        }

        using (firstLogits)
        {
            var expectedPredictions = reference.GetProperty("predictions").EnumerateArray().Select(p => p.GetInt64()).ToArray();
            var correct = predictions.Zip(labels).Count(p => p.First == p.Second);
            var pytorchCorrect = reference.GetProperty("correct").GetInt32();
            var differing = Enumerable.Range(0, expectedPredictions.Length).Where(i => expectedPredictions[i] != predictions[i]).ToArray();
            var expectedFirst = reference.GetProperty("first_logits").EnumerateArray().SelectMany(row => row.EnumerateArray().Select(v => v.GetDouble())).ToArray();
            var actualFirst = firstLogits.to(ScalarType.Float64).data<double>().ToArray();
            var logitDifference = expectedFirst.Zip(actualFirst, (e, a) => Math.Abs(e - a)).Max();
            var report =
                $"ResNet-{depth}: ours {correct}/{labels.Length} = {100.0 * correct / labels.Length:F2} %, PyTorch {pytorchCorrect}/{labels.Length} = {100.0 * pytorchCorrect / labels.Length:F2} %; " +
                $"{differing.Length} of {labels.Length} predictions differ from PyTorch's{(differing.Length > 0 ? $" (images {string.Join(", ", differing.Take(10))}{(differing.Length > 10 ? ", …" : "")})" : "")}; " +
                $"max |logit difference| on the first 4 images {logitDifference:E2}";
            TestContext.WriteLine(report);
            Console.WriteLine(report);
            Assert.IsTrue(Math.Abs(correct - pytorchCorrect) <= AcceptedCorrectDifference, report);
        }
    }
}

/// <summary>
/// cifar10-jpeg/test decoded by <see cref="ImageDecoding.DecodeFile(string)"/> and normalised (mean
/// 0.485/0.456/0.406, std 0.229/0.224/0.225), class folders and files in ordinal order (the
/// generator's sorted order).
/// </summary>
internal static class CifarTestSet
{
    public static (Tensor Images, long[] Labels) Load(string root)
    {
        using var scope = torch.NewDisposeScope();
        var classes = Directory.GetDirectories(root).Order(StringComparer.Ordinal).ToArray();
        var files = classes.SelectMany((dir, label) => Directory.GetFiles(dir).Order(StringComparer.Ordinal).Select(f => (File: f, Label: (long)label))).ToArray();
        var batch = torch.stack(files.Select(f => ImageDecoding.DecodeFile(f.File))).permute(0, 3, 1, 2).to(ScalarType.Float32) / 255.0;
        var mean = torch.tensor(new[] { 0.485f, 0.456f, 0.406f }, [1, 3, 1, 1]);
        var std = torch.tensor(new[] { 0.229f, 0.224f, 0.225f }, [1, 3, 1, 1]);
        var normalised = ((batch - mean) / std).contiguous();
        return (normalised.MoveToOuterDisposeScope(), files.Select(f => f.Label).ToArray());
    }
}
