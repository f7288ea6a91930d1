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
        var metrics = FitEvaluateSaveLoad(temp, root, root, MLNetScenario.Options());
        Assert.AreEqual(3, metrics.ConfusionMatrix.NumberOfClasses);
    }

    [TestMethod]
    public void FitSaveLoad_Flowers12_FreshProcess_SameLabelsScoresAndCams()
    {
        var flowers = SharedData.Require("flowers12");
        using var temp = new TempFolder();
        var options = MLNetScenario.Options(epochs: 1);
        options.BatchSize = 32;
        var metrics = FitEvaluateSaveLoad(temp, Path.Combine(flowers, "train"), Path.Combine(flowers, "test"), options);
        Assert.AreEqual(12, metrics.ConfusionMatrix.NumberOfClasses);
    }

    /// <summary>
    /// Fits the README-shaped pipeline on <paramref name="trainRoot"/>, evaluates on <paramref name="testRoot"/>, saves, and
    /// scores every test image in this process and in a fresh one (TrainingHost mlnet-score, ML.NET's own Model.Load):
    /// labels identical, scores and CAMs within 1e-6 (the same ONNX graph on the same pixels).
    /// </summary>
    private static MulticlassClassificationMetrics FitEvaluateSaveLoad(TempFolder temp, string trainRoot, string testRoot, CamLoss.Training.CamLossImageClassificationTrainer.Options options)
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadImageFolder(trainRoot);
        var test = ml.Data.LoadImageFolder(testRoot);
        var model = MLNetScenario.Pipeline(ml, options)
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(train);

        var scored = model.Transform(test);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Console.WriteLine($"micro accuracy {metrics.MicroAccuracy:F3}, log-loss {metrics.LogLoss:F3}");
        var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
        scored.Schema["Score"].GetSlotNames(ref slotNames);
        var classes = Directory.GetDirectories(trainRoot).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        CollectionAssert.AreEqual(classes, slotNames.DenseValues().Select(s => s.ToString()).ToArray());

        var path = Path.Combine(temp.Path, "model.zip");
        ml.Model.Save(model, train.Schema, path);
        var files = TrainingHost.MLNetScoring.ImageFiles(testRoot).ToList();
        using var engine = ml.Model.CreatePredictionEngine<ImageInput, ImageOutput>(model);
        var here = files.Select(f => engine.Predict(new ImageInput { ImagePath = f })).ToList();

        var output = Path.Combine(temp.Path, "fresh.json");
        var home = temp.Folder("home");
        RunHostIn(home, "mlnet-score", path, testRoot, output);
        Assert.IsEmpty(Directory.EnumerateFileSystemEntries(home), "a fresh process scoring through ML.NET's ONNX transformer writes nothing under HOME (ONNX Runtime telemetry off)");
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
        Assert.IsTrue(worstScore <= 1e-6, $"scores differ by {worstScore}");   // the bound
        Assert.IsTrue(worstCam <= 1e-6, $"CAMs differ by {worstCam}");
        return metrics;
    }

    internal static void RunHost(params string[] arguments) => RunHostIn(home: null, arguments);

    /// <summary>Runs the training host with <paramref name="arguments"/>, in an empty <paramref name="home"/> when one is given.</summary>
    internal static void RunHostIn(string? home, params string[] arguments)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "Microsoft.ML.CamLoss.TrainingHost.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (home is not null)
        {
            start.WithHome(home);
        }

        start.Environment.Remove("ORT_DISABLE_TELEMETRY");   // the library must switch it off itself
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
