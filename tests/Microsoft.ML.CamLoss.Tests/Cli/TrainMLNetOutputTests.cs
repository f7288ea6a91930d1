using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Cli.Training;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.ML.CamLoss.Tests.FewShot;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Cli;

/// <summary>
/// What <c>camloss train</c> writes for ML.NET users, on runs the tests make themselves (3 colour classes of 24×24 PNGs,
/// one epoch: ResNet-8 at 16×16, a shrinking resize, and ResNet-18 with the ImageNet preprocessing at <c>--image-size 28</c>,
/// i.e. resize to 32×32 and centre-crop 28×28; both inside the ML.NET model's graph as the library resizes), each trained
/// once for the class: the ML.NET model (<c>--output tiny.zip</c>) scores as <c>camloss predict</c> scores the run folder's
/// checkpoint (the TorchSharp network), and the generated console project builds offline against this repository's library
/// and predicts the same labels in a fresh process.
/// </summary>
[TestClass]
public sealed class TrainMLNetOutputTests
{
    private static readonly Lock TrainingLock = new();
    private static readonly Dictionary<string, Trained> Runs = [];

    [ClassCleanup]
    public static void DeleteTrainedModels()
    {
        foreach (var run in Runs.Values)
        {
            run.Temp.Dispose();
        }
    }

    [TestMethod]
    public void Run_Train_WritesTheMLNetModelAsOutputAndTheConsumptionProjectIntoTheRunFolder()
    {
        var trained = TrainOnce();
        var consume = Path.Combine(trained.RunFolder, "consume");

        var stdout = trained.Run.Stdout.Replace("\n", string.Empty);   // the console wraps long lines
        Assert.Contains($"Saved {trained.Zip} (", stdout);
        Assert.Contains("): the ML.NET model (mlContext.Model.Load; input column ImageSource: the image's bytes)", stdout);
        Assert.Contains($"C# to consume it: {consume}", stdout);
        Assert.IsFalse(File.Exists(Path.Combine(trained.RunFolder, "model.zip")), "one ML.NET model: the one --output names");
        var info = JsonNode.Parse(File.ReadAllText(Path.Combine(trained.RunFolder, "model.json")))!;
        Assert.AreEqual(trained.Zip, info["model"]!.GetValue<string>());
        Assert.AreEqual(Path.Combine(consume, "TinyConsoleApp.csproj"), info["consumptionProject"]!.GetValue<string>());
        CollectionAssert.AreEquivalent(
            new[] { "Directory.Build.props", "Program.cs", "TinyConsoleApp.csproj", "TinyModel.consumption.cs" },
            Directory.GetFiles(consume).Select(Path.GetFileName).ToArray());
        var project = File.ReadAllText(Path.Combine(consume, "TinyConsoleApp.csproj"));
        Assert.Contains($"<CamLossVersion Condition=\"'$(CamLossVersion)' == ''\">{ModelArchiveLayout.LibraryVersion}</CamLossVersion>", project);
        Assert.Contains("<PackageReference Include=\"Microsoft.ML.CamLoss\" Version=\"$(CamLossVersion)\" />", project);
        Assert.Contains("<ProjectReference Include=\"$(CamLossProject)\" />", project);
        Assert.Contains("<CamLossModel Condition=\"'$(CamLossModel)' == ''\">$(MSBuildThisFileDirectory)../../tiny.zip</CamLossModel>", project, "the zip beside the run folder, by a relative path");
    }

    [TestMethod]
    public void Explain_TheRunsMLNetModel_DrawsItsCamAndCaam()
    {
        var trained = TrainOnce();
        var gallery = Path.Combine(trained.Temp.Path, "zip-gallery");
        var run = CliRun.Of("explain", "--model", trained.Zip, "--data", Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(trained.TestImages[0])))!, "--count", "3", "--out", gallery).AssertSucceeded();

        Assert.Contains($"Wrote a gallery of 3 images to {gallery}", run.Stdout);
        Assert.IsTrue(File.Exists(Path.Combine(gallery, CamLoss.Explain.ExplanationGallery.GalleryFileName)));
    }

    [TestMethod]
    [DataRow("flowers", "Flowers")]
    [DataRow("tiny-flowers.v2", "TinyFlowersV2")]
    [DataRow("2024 run", "Image2024Run")]
    [DataRow("ü", "Image")]
    public void PascalName_ModelStem_IsACSharpIdentifier(string stem, string expected) =>
        Assert.AreEqual(expected, ConsumptionProject.PascalName(stem));

    [TestMethod]
    [DataRow("resnet8", "16")]
    [DataRow("resnet18", "28")]
    public void MLNetModel_LoadedByMLNet_SameLabelsAndScoresAsPredictOnTheRunFolder(string architecture, string imageSize)
    {
        var trained = TrainOnce(architecture, imageSize);
        var predicted = PredictWithRunFolder(trained);

        var ml = new MLContext(seed: 1);
        var model = ml.Model.Load(trained.Zip, out var inputSchema);
        using var engine = ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model);

        Assert.AreEqual("ImageSource", inputSchema.Single().Name, "the input is Model Builder's image column");
        var worst = 0.0;
        var top = new List<float>();
        foreach (var image in trained.TestImages)
        {
            var output = engine.Predict(new ModelInput { ImageSource = File.ReadAllBytes(image) });
            top.Add(output.Score.Max());
            var expected = predicted[image];
            Assert.AreEqual(expected.Label, output.PredictedLabel, image);
            var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
            engine.OutputSchema["Score"].GetSlotNames(ref slotNames);
            var scores = slotNames.DenseValues().Select((name, i) => (Name: name.ToString(), Score: output.Score[i]));
            worst = Math.Max(worst, scores.Max(s => Math.Abs(s.Score - expected.Scores[s.Name])));
        }

        Console.WriteLine($"{architecture}: worst |Δscore| tiny.zip (ONNX Runtime) vs camloss predict on the run folder (TorchSharp) {worst:E2} over {trained.TestImages.Count} images (top probabilities {top.Min():F3}–{top.Max():F3})");
        Assert.IsTrue(worst <= 1e-4, $"{worst}");   // float32 TorchSharp vs ONNX Runtime with BatchNorm folded, on the same pixels (resized alike): MLNetAgreementTests' bound
    }

    [TestMethod]
    public void MLNetModel_ImageOfAnotherSize_ScoredThroughMLNetsResize()
    {
        var trained = TrainOnce();
        var ml = new MLContext(seed: 1);
        using var engine = ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(ml.Model.Load(trained.Zip, out _));
        using var image = TorchSharp.torch.full([30, 40, 3], 200, dtype: TorchSharp.torch.ScalarType.Byte);

        var output = engine.Predict(new ModelInput { ImageSource = CamLoss.Explain.ImageFiles.EncodePng(image) });

        CollectionAssert.Contains(new[] { "c00", "c01", "c02" }, output.PredictedLabel);
        Assert.AreEqual(1.0, output.Score.Sum(), 1e-5);
    }

    /// <summary>Issue 16, must-show 3: the generated console project builds (offline, against this repository's library) and predicts.</summary>
    [TestMethod]
    public void ConsumptionProject_BuiltOfflineAgainstThisRepository_PredictsTheLabelsOfPredict()
    {
        var trained = TrainOnce();
        var predicted = PredictWithRunFolder(trained);
        var consume = Path.Combine(trained.RunFolder, "consume");

        // Offline: the only package source is the NuGet cache the repository's own restore filled.
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(
            Path.Combine(consume, "nuget.config"),
            $"<configuration><packageSources><clear /><add key=\"cache\" value=\"{packages}\" /></packageSources></configuration>");
        var configuration = typeof(TrainMLNetOutputTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var library = Path.Combine(SharedData.RepositoryRoot, "src", "Microsoft.ML.CamLoss", "Microsoft.ML.CamLoss.csproj");
        var clock = Stopwatch.StartNew();

        // --no-dependencies: the library built with these tests is used as it is (nothing rebuilt or restored in the repository).
        var build = Run(consume, null, "build", "--no-dependencies", "-c", configuration, $"-p:CamLossProject={library}",
            "-p:CreateHardLinksForCopyLocalIfPossible=true", "-p:CreateHardLinksForCopyFilesToOutputDirectoryIfPossible=true",
            "-p:CreateHardLinksForAdditionalFilesIfPossible=true");
        var built = clock.Elapsed;
        Assert.AreEqual(0, build.ExitCode, build.Output);

        var home = trained.Temp.Folder($"home-{Guid.NewGuid():N}");
        var app = Path.Combine(consume, "bin", configuration, "net10.0", "TinyConsoleApp.dll");
        var run = Run(consume, home, [app, .. trained.TestImages]);
        Console.WriteLine($"consumption project: build {built.TotalSeconds:F1} s, {trained.TestImages.Count} predictions {(clock.Elapsed - built).TotalSeconds:F1} s");
        Assert.AreEqual(0, run.ExitCode, run.Output);

        var labels = run.Output.Split('\n').Where(l => l.Contains(" -> ", StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf(" -> ", StringComparison.Ordinal)], l => l[(l.IndexOf(" -> ", StringComparison.Ordinal) + 4)..l.LastIndexOf(" (", StringComparison.Ordinal)]);
        Assert.HasCount(trained.TestImages.Count, labels, run.Output);
        foreach (var image in trained.TestImages)
        {
            Assert.AreEqual(predicted[image].Label, labels[image], image);
        }

        Assert.IsEmpty(Directory.EnumerateFileSystemEntries(home), "the app writes nothing under HOME (ONNX Runtime's telemetry off)");
    }

    /// <summary>Every test image's label and class probabilities from <c>camloss predict --json</c> on the run folder (its checkpoint's network, on TorchSharp).</summary>
    private static Dictionary<string, (string Label, Dictionary<string, float> Scores)> PredictWithRunFolder(Trained trained)
    {
        var predict = CliRun.Of(["predict", "--model", trained.RunFolder, "--json", "--top", "3", .. trained.TestImages]).AssertSucceeded();
        return JsonNode.Parse(predict.Stdout)!.AsArray().ToDictionary(
            r => r!["Image"]!.GetValue<string>(),
            r => (r!["PredictedLabel"]!.GetValue<string>(), r["Top"]!.AsArray().ToDictionary(t => t!["Label"]!.GetValue<string>(), t => t!["Probability"]!.GetValue<float>())));
    }

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="folder"/> (in an empty <paramref name="home"/> when one is given).</summary>
    private static (int ExitCode, string Output) Run(string folder, string? home, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        if (home is not null)
        {
            start.WithHome(home);
            start.Environment.Remove("ORT_DISABLE_TELEMETRY");   // the library must switch it off itself
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    /// <summary>
    /// The class's run of <paramref name="architecture"/>, trained on first use (learning rate 0.001: one epoch leaves the
    /// probabilities short of 0 and 1, so that comparing them means something).
    /// </summary>
    private static Trained TrainOnce(string architecture = "resnet8", string imageSize = "16")
    {
        lock (TrainingLock)
        {
            if (!Runs.TryGetValue(architecture, out var trained))
            {
                var temp = new TempFolder();
                var data = Path.GetDirectoryName(ColourImageFolder.Write(temp, "data/train", classes: 3, perClass: 8))!;
                ColourImageFolder.Write(temp, "data/test", classes: 3, perClass: 4);
                var model = Path.Combine(temp.Path, "tiny.zip");
                var run = CliRun.Of(
                    "train", "--data", data, "--arch", architecture, "--epochs", "1", "--image-size", imageSize, "--batch-size", "8", "--lr", "0.001",
                    "--threads", "1", "--workers", "0", "--seed", "1", "--output", model).AssertSucceeded();
                var images = Directory.GetFiles(Path.Combine(data, "test"), "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
                trained = new Trained(run, temp, model, Path.Combine(temp.Path, "tiny.run"), images);
                Runs[architecture] = trained;
            }

            return trained;
        }
    }

    private sealed record Trained(CliRun Run, TempFolder Temp, string Zip, string RunFolder, IReadOnlyList<string> TestImages);

    /// <summary>Model Builder's input row.</summary>
    public sealed class ModelInput
    {
        public byte[] ImageSource { get; set; } = [];
    }

    /// <summary>Model Builder's output row.</summary>
    public sealed class ModelOutput
    {
        public string PredictedLabel { get; set; } = string.Empty;

        public float[] Score { get; set; } = [];
    }
}
