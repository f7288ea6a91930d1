using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.ML.CamLoss.Tests.Models.ImageNet;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Cli;

/// <summary><c>camloss train</c> starts a resnet18 from the ImageNet weights unless <c>--weights none</c> (on a tiny folder the test makes).</summary>
[TestClass]
public sealed class ImageNetWeightsOptionTests
{
    private TempFolder _temp = null!;

    [TestInitialize]
    public void CreateFolder()
    {
        ImageNetFeatureParityTests.RequirePackage();
        _temp = new TempFolder();
    }

    [TestCleanup]
    public void DeleteFolder() => _temp?.Dispose();

    [TestMethod]
    [DataRow(null, "ResNet18Cntk")]
    [DataRow("imagenet", "ResNet18Cntk")]
    [DataRow("none", "ResNet18")]
    public void Run_TrainResNet18_StartsAsWeightsSays(string? weights, string architecture)
    {
        var data = SyntheticTrees.ImageFolder(_temp, "pictures", 4, "cat", "dog");
        var model = Path.Combine(_temp.Path, "m.zip");
        string[] args = ["train", "--data", data, "--loss", "ce", "--epochs", "1", "--image-size", "32", "--batch-size", "4", "--workers", "0", "--seed", "1", "--output", model];

        CliRun.Of(weights is null ? args : [.. args, "--weights", weights]).AssertSucceeded();

        var info = JsonNode.Parse(File.ReadAllText(Path.Combine(Path.ChangeExtension(model, null) + ".run", "model.json")))!;
        Assert.AreEqual(architecture, info["architecture"]!.GetValue<string>());
    }
}
