using System.Diagnostics;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace Microsoft.ML.CamLoss.Tests.Onnx;

/// <summary>
/// Every architecture exported and scored by ONNX Runtime against TorchSharp's evaluation-mode forward
/// (<see cref="OnnxTesting.AssertMatches"/>: probabilities within 1e-5, maps within 1e-4 × max|map|),
/// batch 1 and 8, small class counts and small inputs (so that the suite stays quick; the graph does not
/// depend on the input size except through its shapes).
/// </summary>
[TestClass]
public sealed class OnnxParityTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow(Architecture.ResNet8, 3, 16)]
    [DataRow(Architecture.ResNet20, 4, 16)]
    [DataRow(Architecture.ResNet32, 2, 16)]
    [DataRow(Architecture.ResNet44, 3, 16)]
    [DataRow(Architecture.ResNet56, 3, 16)]
    [DataRow(Architecture.ResNet110, 3, 8)]
    [DataRow(Architecture.WideResNet16x2, 3, 16)]
    [DataRow(Architecture.WideResNet16x4, 5, 16)]
    [DataRow(Architecture.WideResNet28x2, 3, 8)]
    [DataRow(Architecture.WideResNet28x4, 3, 8)]
    [DataRow(Architecture.WideResNet28x10, 3, 8)]
    [DataRow(Architecture.ResNet18, 3, 64)]
    [DataRow(Architecture.ResNet34, 3, 64)]
    [DataRow(Architecture.ResNet50, 3, 64)]
    [DataRow(Architecture.ResNet101, 3, 64)]
    [DataRow(Architecture.ResNet152, 2, 32)]
    [DataRow(Architecture.ResNeXt50x32x4d, 3, 64)]
    [DataRow(Architecture.ResNet10, 3, 64)]
    [DataRow(Architecture.ResNet18Cntk, 3, 64)]
    public void Export_TrainedLikeWeights_OnnxRuntimeMatchesTorchSharp(Architecture architecture, int classes, int size)
    {
        using var scope = torch.NewDisposeScope();
        var watch = Stopwatch.StartNew();
        using var network = OnnxTesting.TrainedLike(architecture, classes, size);
        var bytes = OnnxExport.ToBytes(network, ClassNames(classes), OnnxTesting.ImageNetScoring, new OnnxExportOptions { Maps = OnnxMaps.Cam | OnnxMaps.Caam | OnnxMaps.Cams });
        var exported = watch.Elapsed;
        using var session = OnnxTesting.Session(bytes);
        var loaded = watch.Elapsed;
        foreach (var batch in new[] { 1, 8 })
        {
            var pixels = OnnxTesting.Pixels(batch, size);
            TestContext.WriteLine(OnnxTesting.AssertMatches(OnnxTesting.Reference(network, pixels), OnnxTesting.Run(session, pixels), $"{architecture} batch {batch}"));
        }

        TestContext.WriteLine(
            $"{architecture}: {bytes.Length / 1e6:F1} MB; network and export {exported.TotalSeconds:F1} s, session {(loaded - exported).TotalSeconds:F1} s, " +
            $"both forwards {(watch.Elapsed - loaded).TotalSeconds:F1} s");
    }

    [TestMethod]
    [DataRow(Architecture.ResNet8, 16)]
    [DataRow(Architecture.WideResNet16x2, 16)]
    [DataRow(Architecture.ResNet18, 64)]
    public void Export_FreshRandomWeights_OnnxRuntimeMatchesTorchSharp(Architecture architecture, int size)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        using var network = Backbones.Create(architecture, 4);
        network.eval();
        var bytes = OnnxExport.ToBytes(network, ClassNames(4), OnnxTesting.ImageNetScoring, new OnnxExportOptions { Maps = OnnxMaps.Cam | OnnxMaps.Caam | OnnxMaps.Cams });
        var pixels = OnnxTesting.Pixels(8, size);
        TestContext.WriteLine(OnnxTesting.AssertMatches(OnnxTesting.Reference(network, pixels), OnnxTesting.Run(bytes, pixels), $"{architecture} fresh, batch 8"));
    }

    [TestMethod]
    public void Export_OptionBShortcuts_OnnxRuntimeMatchesTorchSharp()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        using var network = new CifarResNet(20, 3, ShortcutKind.B);
        network.eval();
        var bytes = OnnxExport.ToBytes(network, ClassNames(3), OnnxTesting.ImageNetScoring, new OnnxExportOptions { Maps = OnnxMaps.Cam | OnnxMaps.Caam });
        var pixels = OnnxTesting.Pixels(8, 16);
        TestContext.WriteLine(OnnxTesting.AssertMatches(OnnxTesting.Reference(network, pixels), OnnxTesting.Run(bytes, pixels), "ResNet-20 option B, batch 8"));
    }

    [TestMethod]
    [DataRow(Architecture.ResNet8, 16)]
    [DataRow(Architecture.ResNet20, 16)]
    [DataRow(Architecture.WideResNet16x2, 16)]
    [DataRow(Architecture.ResNet18, 64)]
    [DataRow(Architecture.ResNeXt50x32x4d, 64)]
    public void Export_BatchNormKept_SameOutputsAsFolded(Architecture architecture, int size)
    {
        using var scope = torch.NewDisposeScope();
        using var network = OnnxTesting.TrainedLike(architecture, 3, size);
        var pixels = OnnxTesting.Pixels(8, size);
        var options = new OnnxExportOptions { Maps = OnnxMaps.Cam | OnnxMaps.Caam };
        var folded = OnnxTesting.Run(OnnxExport.ToBytes(network, ClassNames(3), OnnxTesting.ImageNetScoring, options), pixels);
        options.FoldBatchNorm = false;
        var keptBytes = OnnxExport.ToBytes(network, ClassNames(3), OnnxTesting.ImageNetScoring, options);
        var kept = OnnxTesting.Run(keptBytes, pixels);

        var graph = Microsoft.ML.CamLoss.Onnx.Protobuf.ModelProto.Parser.ParseFrom(keptBytes).Graph;
        Assert.AreEqual(
            network.modules().OfType<TorchSharp.Modules.BatchNorm2d>().Count(), graph.Node.Count(n => n.OpType == "BatchNormalization"), "every BatchNorm kept as a node");
        TensorAssert.Close(folded[OnnxNames.Score], kept[OnnxNames.Score], 0, 1e-5, $"{architecture}: scores, folded vs kept");
        var worst = new List<string> { $"Score {(folded[OnnxNames.Score] - kept[OnnxNames.Score]).abs().max().item<float>():E1}" };
        foreach (var name in new[] { OnnxNames.Logits, OnnxNames.Cam, OnnxNames.Caam })
        {
            var scale = kept[name].abs().max().item<float>();
            TensorAssert.Close(folded[name], kept[name], 0, 1e-5 * scale, $"{architecture}: {name}, folded vs kept (1e-5 × max {scale:G3})");
            worst.Add($"{name} {(folded[name] - kept[name]).abs().max().item<float>() / scale:E1}×max");
        }

        TestContext.WriteLine($"{architecture} folded vs kept BatchNorm, batch 8: max |Δ| {string.Join(", ", worst)}");
    }

    [TestMethod]
    [DataRow(Architecture.ResNet8, 16)]
    [DataRow(Architecture.ResNet18, 64)]
    public void Export_InputResolutionMaps_MatchBilinearUpsamplingOfTorchSharpMaps(Architecture architecture, int size)
    {
        using var scope = torch.NewDisposeScope();
        using var network = OnnxTesting.TrainedLike(architecture, 3, size);
        var pixels = OnnxTesting.Pixels(2, size + 3);   // an input side that is no multiple of the feature map's
        var options = new OnnxExportOptions { Maps = OnnxMaps.Cam | OnnxMaps.Caam | OnnxMaps.Cams, MapResolution = MapResolution.Input };
        var actual = OnnxTesting.Run(OnnxExport.ToBytes(network, ClassNames(3), OnnxTesting.ImageNetScoring, options), pixels);
        var reference = OnnxTesting.Reference(network, pixels);
        var expected = new Dictionary<string, torch.Tensor> { [OnnxNames.Score] = reference[OnnxNames.Score] };
        foreach (var name in new[] { OnnxNames.Cam, OnnxNames.Caam })
        {
            var heatmaps = ImageClassificationModel.Maps(reference[name], MapResolution.Input, pixels);
            expected[name] = torch.stack(heatmaps.Select(h => h.ToTensor()), 0);
        }

        expected[OnnxNames.Cams] = torch.nn.functional.interpolate(
            reference[OnnxNames.Cams], [size + 3, size + 3], mode: torch.InterpolationMode.Bilinear, align_corners: false);
        CollectionAssert.AreEqual(new long[] { 2, size + 3, size + 3 }, actual[OnnxNames.Cam].shape, "Cam at the input's size");
        TestContext.WriteLine(OnnxTesting.AssertMatches(expected, actual, $"{architecture} input-resolution maps"));
    }

    [TestMethod]
    public void Export_DynamicInputSize_ScoresAnySize()
    {
        using var scope = torch.NewDisposeScope();
        using var network = OnnxTesting.TrainedLike(Architecture.ResNet8, 3, 16);
        var bytes = OnnxExport.ToBytes(network, ClassNames(3), OnnxTesting.ImageNetScoring, new OnnxExportOptions { Maps = OnnxMaps.Cam });
        var input = Microsoft.ML.CamLoss.Onnx.Protobuf.ModelProto.Parser.ParseFrom(bytes).Graph.Input.Single();
        CollectionAssert.AreEqual(new[] { "N", string.Empty, "H", "W" }, input.Type.TensorType.Shape.Dim.Select(d => d.DimParam).ToArray(), "batch, height and width dynamic");
        foreach (var side in new[] { 9, 24 })
        {
            var pixels = OnnxTesting.Pixels(3, side);
            OnnxTesting.AssertMatches(OnnxTesting.Reference(network, pixels), OnnxTesting.Run(bytes, pixels), $"{side}×{side}");
        }
    }

    internal static string[] ClassNames(int count) => [.. Enumerable.Range(0, count).Select(i => $"class {i}")];
}
