using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.MLNet;

/// <summary>
/// The ML.NET face end to end on images the test makes: Fit, Evaluate, Model.Save, Model.Load in a fresh process
/// (TrainingHost mlnet-score), prediction engine; identical labels, scores and CAMs before and after.
/// </summary>
[TestClass]
public sealed class MLNetEndToEndTests
{
    /// <summary>The prediction engine's output in this process.</summary>
    public sealed class ImageOutput
    {
        public string PredictedLabel { get; set; } = string.Empty;

        public float[] Score { get; set; } = [];

        public float[] Cam { get; set; } = [];
    }

    /// <summary>The prediction engine's input.</summary>
    public sealed class ImageInput
    {
        public string ImagePath { get; set; } = string.Empty;

        public string Label { get; set; } = string.Empty;
    }

    [TestMethod]
    public void FitSaveLoad_FreshProcess_SameLabelsScoresAndCams()
    {
        using var temp = new TempFolder();
        var root = MLNetScenario.Images(temp);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadImageFolder(root);
        var model = MLNetScenario.Pipeline(ml, MLNetScenario.Options())
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(data);

        var scored = model.Transform(data);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Console.WriteLine($"micro accuracy {metrics.MicroAccuracy:F3}, log-loss {metrics.LogLoss:F3}");
        Assert.AreEqual(3, metrics.ConfusionMatrix.NumberOfClasses);
        var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
        scored.Schema["Score"].GetSlotNames(ref slotNames);
        CollectionAssert.AreEqual(new[] { "c00", "c01", "c02" }, slotNames.DenseValues().Select(s => s.ToString()).ToArray());

        var path = Path.Combine(temp.Path, "model.zip");
        ml.Model.Save(model, data.Schema, path);
        var files = Directory.EnumerateFiles(root, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        using var engine = ml.Model.CreatePredictionEngine<ImageInput, ImageOutput>(model);
        var here = files.Select(f => engine.Predict(new ImageInput { ImagePath = f })).ToList();

        var output = Path.Combine(temp.Path, "fresh.json");
        RunHost("mlnet-score", path, root, output);
        var fresh = JsonSerializer.Deserialize<List<ImageOutput>>(File.ReadAllText(output))!;
        Assert.AreEqual(here.Count, fresh.Count);
        var worstScore = 0.0;
        var worstCam = 0.0;
        for (var i = 0; i < here.Count; i++)
        {
            Assert.AreEqual(here[i].PredictedLabel, fresh[i].PredictedLabel, files[i]);
            Assert.IsTrue(here[i].Cam.Length > 0, "the CAM column is there");
            worstScore = Math.Max(worstScore, here[i].Score.Zip(fresh[i].Score, (a, b) => Math.Abs(a - b)).Max());
            worstCam = Math.Max(worstCam, here[i].Cam.Zip(fresh[i].Cam, (a, b) => Math.Abs(a - b)).Max());
        }

        Console.WriteLine($"worst |Δscore| {worstScore:E2}, worst |Δcam| {worstCam:E2} over {here.Count} images");
        Assert.IsTrue(worstScore <= 1e-6, $"scores differ by {worstScore}");   // the same ONNX graph on the same pixels: 1e-6 is the bound
        Assert.IsTrue(worstCam <= 1e-6, $"CAMs differ by {worstCam}");
    }

    internal static void RunHost(params string[] arguments)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "Microsoft.ML.CamLoss.TrainingHost.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(host);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, $"{stdout.Result}\n{stderr}");
    }
}
