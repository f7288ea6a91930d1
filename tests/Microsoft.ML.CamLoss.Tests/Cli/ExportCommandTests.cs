using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Cli;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Cli;

/// <summary>
/// <c>camloss export</c> of a run folder <c>camloss train</c> left (ResNet-8, 1 epoch on 9 images at 16 × 16, trained once for the
/// class), and <c>predict</c> / <c>evaluate</c> given the exported <c>.onnx</c>: same answers as the run folder's network.
/// </summary>
[TestClass]
public sealed class ExportCommandTests
{
    private static readonly string[] Classes = ["cat", "dog", "fox"];
    private static TempFolder _temp = null!;
    private static string _data = string.Empty;
    private static string _run = string.Empty;

    [ClassInitialize]
    public static void TrainOnce(TestContext context)
    {
        _ = context;
        _temp = new TempFolder();
        for (var i = 0; i < 9; i++)
        {
            var name = new[] { "rgb.jpg", "rgba.png", "palette.png" }[i % 3];
            _temp.Write($"data/{Classes[i % 3]}/{i}{Path.GetExtension(name)}", FixtureImages.Bytes(name));
        }

        _data = Path.Combine(_temp.Path, "data");
        CliRun.Of("train", "--data", _data, "--arch", "resnet8", "--loss", "ce", "--epochs", "1", "--image-size", "16", "--batch-size", "3", "--seed", "1",
            "--threads", "1", "--workers", "0", "--output", Path.Combine(_temp.Path, "m.zip")).AssertSucceeded();
        _run = Path.Combine(_temp.Path, "m.run");
    }

    [ClassCleanup]
    public static void Cleanup() => _temp.Dispose();

    [TestMethod]
    public void Run_ExportThenPredictAndEvaluateTheOnnx_SameAnswersAsTheRunFolder()
    {
        using var temp = new TempFolder();
        var onnx = Path.Combine(temp.Path, "m.onnx");

        var export = CliRun.Of("export", "--model", _run, "--onnx", onnx, "--cam", "input").AssertSucceeded();
        StringAssert.Contains(export.Stdout, "ResNet8 (ONNX), 3 classes, input [3, 16, 16]; outputs Score, Logits, Cam, Caam (maps at input resolution)");

        var image = FixtureImages.PathOf("rgb.jpg");
        var fromModel = JsonNode.Parse(CliRun.Of("predict", "--model", _run, image, "--json").AssertSucceeded().Stdout)!.AsArray()[0]!;
        var fromOnnx = JsonNode.Parse(CliRun.Of("predict", "--model", onnx, image, "--json", "--cam", Path.Combine(temp.Path, "cams")).AssertSucceeded().Stdout)!.AsArray()[0]!;
        Assert.AreEqual(fromModel["PredictedLabel"]!.GetValue<string>(), fromOnnx["PredictedLabel"]!.GetValue<string>());
        Assert.AreEqual(fromModel["Top"]![0]!["Probability"]!.GetValue<double>(), fromOnnx["Top"]![0]!["Probability"]!.GetValue<double>(), 1e-5);
        Assert.IsTrue(File.Exists(fromOnnx["Cam"]!.GetValue<string>()), "the CAM picture from the ONNX graph's Cam output");

        var expected = JsonNode.Parse(CliRun.Of("evaluate", "--model", _run, "--data", _data, "--json").AssertSucceeded().Stdout)!;
        var actual = JsonNode.Parse(CliRun.Of("evaluate", "--model", onnx, "--data", _data, "--json").AssertSucceeded().Stdout)!;
        Assert.AreEqual(expected["MicroAccuracy"]!.GetValue<double>(), actual["MicroAccuracy"]!.GetValue<double>());
        Assert.AreEqual(expected["LogLoss"]!.GetValue<double>(), actual["LogLoss"]!.GetValue<double>(), 1e-5);
    }

    [TestMethod]
    public void Run_ExportHelp_ListsItsOptions()
    {
        var run = CliRun.Of("export", "--help").AssertSucceeded();
        foreach (var option in new[] { "--model", "--onnx", "--cam", "feature, input, none", "--cams", "--keep-batchnorm", "--classes", "--arch", "--normalize", "--resize" })
        {
            Assert.Contains(option, run.Stdout);
        }
    }

    [TestMethod]
    public void Run_BadExportOrOnnxInput_OneLineErrors()
    {
        using var temp = new TempFolder();
        var model = _run;
        CliRun.Of("export", "--model", model, "--onnx", Path.Combine(temp.Path, "plain.onnx"), "--cam", "none").AssertSucceeded();

        var image = FixtureImages.PathOf("rgb.jpg");
        var onnx = Path.Combine(temp.Path, "out.onnx");
        CliRun.Of("export", "--model", model, "--onnx", onnx, "--cam", "none", "--cams").AssertOneLineError(ExitCodes.Usage, "camloss export:", "--cams needs maps");
        CliRun.Of("export", "--model", model, "--onnx", onnx, "--cam", "sideways").AssertOneLineError(ExitCodes.Usage, "unknown map resolution 'sideways'", "feature, input, none");
        CliRun.Of("export", "--model", "resnet.th", "--arch", "resnet99", "--onnx", onnx).AssertOneLineError(ExitCodes.Usage, "unknown architecture 'resnet99'");
        CliRun.Of("export", "--model", model, "--onnx", temp.Path).AssertOneLineError(ExitCodes.Usage, "is a folder");
        CliRun.Of("export", "--model", Path.Combine(_temp.Path, "m.zip"), "--onnx", onnx)
            .AssertOneLineError(ExitCodes.Usage, "is an ML.NET model zip", "give --model the run folder of the training");
        Assert.IsFalse(File.Exists(onnx), "no file from a failed export");

        var truncated = temp.Write("truncated.onnx", File.ReadAllBytes(Path.Combine(temp.Path, "plain.onnx")).AsSpan(0, 1000));
        CliRun.Of("predict", "--model", truncated, image).AssertOneLineError(ExitCodes.Failure, "camloss predict:", truncated, "not a model ONNX Runtime can load");
        CliRun.Of("predict", "--model", Path.Combine(temp.Path, "plain.onnx"), image, "--cam", Path.Combine(temp.Path, "cams"))
            .AssertOneLineError(ExitCodes.Failure, "plain.onnx has no Cam output", "camloss export --cam feature");
        CliRun.Of("predict", "--model", Path.Combine(temp.Path, "plain.onnx"), "--arch", "resnet20", image)
            .AssertOneLineError(ExitCodes.Usage, "--arch applies to PyTorch checkpoints", "ONNX graph");
    }
}
