using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace Microsoft.ML.CamLoss.Tests.Onnx;

/// <summary>
/// The parts of a model that came with the ImageNet weights and few-shot: a mean-image normalisation
/// (the ImageNet ResNet-18's preprocessing) and a cosine head (Baseline++) are written into the graph and
/// scored by ONNX Runtime as TorchSharp scores them (the bars of <see cref="OnnxTesting.AssertMatches"/>).
/// </summary>
[TestClass]
public sealed class OnnxPreprocessingAndHeadTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Export_MeanImageNormalization_OnnxRuntimeMatchesTheTransform()
    {
        using var scope = torch.NewDisposeScope();
        using var network = OnnxTesting.TrainedLike(Architecture.ResNet8, 3, 16);
        torch.manual_seed(3);
        var meanImage = (torch.rand(3, 8, 8) * 255).data<float>().ToArray();
        var normalize = new MeanImageNormalizeTransform(meanImage, 3, 8, 8, [58.4f, 57.1f, 57.4f]);
        var preprocessing = new ImagePipeline().Append(normalize).ForScoring();
        var bytes = OnnxExport.ToBytes(network, OnnxParityTests.ClassNames(3), preprocessing, new OnnxExportOptions { Maps = OnnxMaps.Cam | OnnxMaps.Caam, InputSize = (16, 16) });

        var pixels = OnnxTesting.Pixels(4, 16);
        var expected = OnnxTesting.Reference(network, pixels, p => normalize.ApplyBatch(p, []));
        TestContext.WriteLine(OnnxTesting.AssertMatches(expected, OnnxTesting.Run(bytes, pixels), "mean image resized 8 → 16"));
    }

    [TestMethod]
    public void Export_MeanImageNormalizationWithoutAFixedSize_OneLineErrorSayingWhatToDo()
    {
        using var network = OnnxTesting.TrainedLike(Architecture.ResNet8, 3, 16);
        var normalize = new MeanImageNormalizeTransform(new float[3 * 4 * 4], 3, 4, 4);
        var preprocessing = new ImagePipeline().Resize(20).Append(normalize);
        OnnxTesting.AssertOneLineError<NotSupportedException>(
            () => OnnxExport.ToBytes(network, OnnxParityTests.ClassNames(3), preprocessing), "mean image", "InputSize");
    }

    [TestMethod]
    [DataRow(Architecture.ResNet8, 16)]
    [DataRow(Architecture.ResNet10, 32)]
    public void Export_CosineHead_OnnxRuntimeMatchesTorchSharp(Architecture architecture, int size)
    {
        using var scope = torch.NewDisposeScope();
        using var network = OnnxTesting.TrainedLike(architecture, 5, size);
        network.UseCosineClassifier(10);
        var bytes = OnnxExport.ToBytes(network, OnnxParityTests.ClassNames(5), OnnxTesting.ImageNetScoring, new OnnxExportOptions { Maps = OnnxMaps.Cam | OnnxMaps.Caam | OnnxMaps.Cams });
        foreach (var batch in new[] { 1, 8 })
        {
            var pixels = OnnxTesting.Pixels(batch, size);
            TestContext.WriteLine(OnnxTesting.AssertMatches(OnnxTesting.Reference(network, pixels), OnnxTesting.Run(bytes, pixels), $"{architecture} cosine head, batch {batch}"));
        }
    }
}
