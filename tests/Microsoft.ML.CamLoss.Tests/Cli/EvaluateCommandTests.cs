using System.Text.Json.Nodes;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Cli;

[TestClass]
public sealed class EvaluateCommandTests
{
    /// <summary>
    /// The pretrained ResNet-20 over the JPEG CIFAR-10 test split gets 8103/10000 right, as PyTorch
    /// measured for the same file and images (ToTensor + ImageNet Normalize, ImageFolder class order):
    /// the count is exact, so the accuracy is compared exactly.
    /// </summary>
    [TestMethod]
    public void Run_EvaluateJsonOnResNet20Checkpoint_PrintsPyTorchsMicroAccuracy()
    {
        var checkpoint = SharedData.Require("pretrained/cifar10-resnet/resnet20-12fca82f.th");
        var data = SharedData.Require("cifar10-jpeg");

        var run = CliRun.Of("evaluate", "--model", checkpoint, "--arch", "resnet20", "--data", data, "--split", "test", "--json").AssertSucceeded();

        var metrics = JsonNode.Parse(run.Stdout)!.AsObject();
        Assert.AreEqual(0.8103, metrics["MicroAccuracy"]!.GetValue<double>());
        var counts = metrics["ConfusionMatrix"]!["Counts"]!.AsArray();
        Assert.AreEqual(10_000, counts.Sum(row => row!.AsArray().Sum(c => c!.GetValue<long>())));
        Assert.AreEqual("airplane", metrics["ConfusionMatrix"]!["ClassNames"]![0]!.GetValue<string>());
        foreach (var key in new[] { "MacroAccuracy", "LogLoss", "LogLossReduction", "TopKAccuracy", "PerClassLogLoss" })
        {
            Assert.IsNotNull(metrics[key], key);
        }
    }
}
