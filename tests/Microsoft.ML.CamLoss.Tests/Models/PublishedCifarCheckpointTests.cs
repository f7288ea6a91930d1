using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.ML.CamLoss.Torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Models;

/// <summary>
/// The published CIFAR-10 ResNet-20/56 checkpoints (shared/data/pretrained, legacy torch.save)
/// load into our option-A CIFAR ResNets and predict every one of the 10,000 cifar10-jpeg test
/// images exactly as PyTorch does (Reference/generate_cifar_predictions.py; PIL decoding,
/// mean/std normalisation as shared/data/README.md says).
/// </summary>
[TestClass]
public sealed class PublishedCifarCheckpointTests
{
    private static readonly JsonFixture Expected = JsonFixture.Open("cifar10_predictions.json");

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow(20)]
    [DataRow(56)]
    public void PublishedCheckpoint_Cifar10JpegTest_PredictsExactlyAsPyTorch(int depth)
    {
        var reference = Expected.Get($"resnet{depth}");
        var checkpoint = SharedData.Require($"pretrained/cifar10-resnet/{reference.GetProperty("file").GetString()}");
        var (images, labels) = CifarTestSet.Load(SharedData.Require("cifar10-jpeg/test"));
        using var model = new CifarResNet(depth);
        model.LoadWeights(checkpoint);

        model.Eval();
        var predictions = new long[images.Size(0)];
        using (Autograd.NoGrad())
        {
            for (var start = 0; start < predictions.Length; start += 500)
            {
                using var scope = new TensorScope();
                using var output = model.Forward(images.Narrow(0, start, Math.Min(500, predictions.Length - start)));
                output.Logits.ArgMax(1).ToArray<long>().CopyTo(predictions, start);
            }
        }

        var expected = reference.GetProperty("predictions").EnumerateArray().Select(p => p.GetInt64()).ToArray();
        var correct = predictions.Zip(labels).Count(p => p.First == p.Second);
        TestContext.WriteLine($"ResNet-{depth}: ours {correct}/{labels.Length} = {100.0 * correct / labels.Length:F2}%, PyTorch {reference.GetProperty("correct").GetInt32()}/{labels.Length}");
        Assert.AreEqual(reference.GetProperty("correct").GetInt32(), correct, "same accuracy as PyTorch");
        var differing = Enumerable.Range(0, expected.Length).Where(i => expected[i] != predictions[i]).Take(5).ToArray();
        Assert.AreEqual(0, differing.Length, $"images whose prediction differs from PyTorch's: {string.Join(", ", differing)}");
        images.Dispose();
    }
}

/// <summary>cifar10-jpeg/test decoded with OpenCV and normalised (mean 0.485/0.456/0.406, std 0.229/0.224/0.225), class folders in ordinal order.</summary>
internal static class CifarTestSet
{
    public static (Tensor Images, long[] Labels) Load(string root)
    {
        using var scope = new TensorScope();
        var classes = Directory.GetDirectories(root).Order(StringComparer.Ordinal).ToArray();
        var files = classes.SelectMany((dir, label) => Directory.GetFiles(dir).Order(StringComparer.Ordinal).Select(f => (File: f, Label: (long)label))).ToArray();
        var decoded = files.Select(f => ImageDecoder.DecodeFile(f.File)).ToArray();
        var batch = Tensor.Stack(decoded).Permute(0, 3, 1, 2).To(ScalarType.Float32) / 255.0;
        var mean = Tensor.FromSpan<float>([0.485f, 0.456f, 0.406f], [1, 3, 1, 1]);
        var std = Tensor.FromSpan<float>([0.229f, 0.224f, 0.225f], [1, 3, 1, 1]);
        var normalised = ((batch - mean) / std).Contiguous();
        return (scope.MoveOut(normalised), files.Select(f => f.Label).ToArray());
    }
}
