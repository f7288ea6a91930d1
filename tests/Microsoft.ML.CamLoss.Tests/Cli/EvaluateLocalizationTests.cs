using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Cli;

/// <summary><c>camloss evaluate</c> on a grey IDX data set scores the CAMs against each image's foreground.</summary>
[TestClass]
public sealed class EvaluateLocalizationTests
{
    [TestMethod]
    public void Evaluate_GreyIdxWithAGraphThatHasMaps_PrintsAndWritesTheLocalisationFigures()
    {
        using var temp = new TempFolder();
        const int images = 6, side = 8;
        var pixels = new byte[images * side * side];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i % side < side / 2 ? 0 : 200);   // the garment: the right half of every image
        }

        var labels = Enumerable.Range(0, images).Select(i => (byte)(i % 2)).ToArray();
        temp.Write("idx/train-images-idx3-ubyte", SyntheticTrees.Idx([images, side, side], pixels, gzip: false));
        temp.Write("idx/train-labels-idx1-ubyte", SyntheticTrees.Idx([images], labels, gzip: false));
        temp.Write("idx/t10k-images-idx3-ubyte", SyntheticTrees.Idx([images, side, side], pixels, gzip: false));
        temp.Write("idx/t10k-labels-idx1-ubyte", SyntheticTrees.Idx([images], labels, gzip: false));
        var model = Path.Combine(temp.Path, "grey.onnx");
        using (var network = Backbones.Create(Architecture.ResNet8, 2))
        {
            OnnxExport.Save(network, ["0", "1"], new CamLoss.Data.ImagePipeline().Resize(16, 16), model, new OnnxExportOptions { Maps = OnnxMaps.CamAndCaam });
        }

        var json = JsonNode.Parse(CliRun.Of("evaluate", "--model", model, "--data", Path.Combine(temp.Path, "idx"), "--format", "idx", "--json").AssertSucceeded().Stdout)!;
        var localization = json["Localization"]!;
        Assert.AreEqual(images, localization["Count"]!.GetValue<int>(), "every test image has a foreground");
        foreach (var figure in new[] { "PointingGame", "MassInside", "TopConcentration" })
        {
            if (localization[figure] is { } value)
            {
                Assert.IsTrue(value.GetValue<double>() is >= 0 and <= 1, $"{figure} is a share");
            }
        }

        var text = CliRun.Of("evaluate", "--model", model, "--data", Path.Combine(temp.Path, "idx"), "--format", "idx").AssertSucceeded().Stdout;
        Assert.Contains("Localisation (the foreground as the object): mass on object", text);
        Assert.Contains($"({images:N0} maps", text);
    }
}
