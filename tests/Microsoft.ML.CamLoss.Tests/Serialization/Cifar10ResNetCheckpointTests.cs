using System.Diagnostics;
using Microsoft.ML.CamLoss.Serialization;
using TorchSharp;
using static TorchSharp.torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Serialization;

/// <summary>
/// The real CIFAR-10 ResNet checkpoints in ../shared/data (legacy format, saved from CUDA, keys
/// prefixed <c>module.</c>) read as PyTorch reads them: Reference/generate_checkpoint_fixtures.py
/// stored each tensor's shape, and float64 sum and sum of squares, computed by PyTorch 1.13.
/// </summary>
[TestClass]
public sealed class Cifar10ResNetCheckpointTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow("resnet20-12fca82f.th")]
    [DataRow("resnet56-4bfd9763.th")]
    public void ReadStateDict_PretrainedCifar10ResNet_MatchesPyTorchKeysShapesAndValues(string file)
    {
        var path = SharedData.Require($"pretrained/cifar10-resnet/{file}");
        var reference = CheckpointFixtures.Json("cifar10_resnet_reference.json").GetProperty(file);
        var expected = reference.GetProperty("tensors").EnumerateObject().ToList();

        var watch = Stopwatch.StartNew();
        var state = PyTorchCheckpoint.ReadStateDict(path);
        watch.Stop();
        TestContext.WriteLine($"{file}: {state.Count} tensors, {state.Values.Sum(t => t.NumberOfElements):N0} elements read in {watch.Elapsed.TotalMilliseconds:F1} ms");
        state.UseThenDispose(_ =>
        {
            CollectionAssert.AreEqual(expected.Select(e => e.Name).ToList(), state.Keys.ToList(), "keys without 'module.', in file order");
            using var scope = torch.NewDisposeScope();
            foreach (var entry in expected)
            {
                var tensor = state[entry.Name];
                var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
                CollectionAssert.AreEqual(shape, tensor.shape, $"{entry.Name}: shape");
                Assert.AreEqual(entry.Value.GetProperty("dtype").GetString(), tensor.dtype == ScalarType.Float32 ? "float32" : tensor.dtype.ToString(), $"{entry.Name}: dtype");

                var values = tensor.to(ScalarType.Float64);
                var sum = values.sum().item<double>();
                var sumOfSquares = (values * values).sum().item<double>();
                var expectedSum = entry.Value.GetProperty("sum").GetDouble();
                var expectedSquares = entry.Value.GetProperty("sum_of_squares").GetDouble();

                // Both are float64 sums of the same float32 values, in possibly different orders: they differ by at
                // most n·ε·Σ|x| (ε = 2^-53), and Σ|x| ≤ √(n·Σx²). 1e-10 covers n·ε for n up to ~900,000.
                var n = tensor.NumberOfElements;
                var bound = 1e-10 * Math.Sqrt(n * expectedSquares) + 1e-300;
                Assert.IsLessThanOrEqualTo(bound, Math.Abs(sum - expectedSum), $"{entry.Name}: sum {sum} vs PyTorch {expectedSum}");
                Assert.IsLessThanOrEqualTo(1e-10 * expectedSquares + 1e-300, Math.Abs(sumOfSquares - expectedSquares), $"{entry.Name}: sum of squares {sumOfSquares} vs PyTorch {expectedSquares}");
            }
        });
    }

    [TestMethod]
    public void Load_PretrainedResNet20_ExposesBestPrec1AndTheLegacyFormat()
    {
        var path = SharedData.Require("pretrained/cifar10-resnet/resnet20-12fca82f.th");
        using var checkpoint = PyTorchCheckpoint.Load(path);
        Assert.AreEqual(PyTorchCheckpointFormat.Legacy, checkpoint.Format);
        var root = (OrderedDictionary<object, object?>)checkpoint.Root!;
        var expected = CheckpointFixtures.Json("cifar10_resnet_reference.json").GetProperty("resnet20-12fca82f.th").GetProperty("best_prec1").GetDouble();
        Assert.AreEqual(expected, (double)root["best_prec1"]!);
        Assert.IsTrue(((OrderedDictionary<object, object?>)root["state_dict"]!).Keys.All(k => ((string)k).StartsWith("module.", StringComparison.Ordinal)));
    }
}
