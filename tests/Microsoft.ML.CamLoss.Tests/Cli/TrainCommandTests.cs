using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Cli;
using Microsoft.ML.CamLoss.Cli.Models;
using Microsoft.ML.CamLoss.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Cli;

/// <summary>
/// <c>camloss train</c> end to end on a tiny run (the 240 flowers of flowers12/test at 32×32,
/// ResNet-8, one epoch), trained once for the class; then <c>predict</c>, <c>evaluate</c> and <c>explain</c> on
/// the ML.NET model zip it wrote, <c>distill</c> from its run folder, and a run stopped by Ctrl+C and resumed.
/// </summary>
[TestClass]
public sealed class TrainCommandTests
{
    private static readonly Lock TrainingLock = new();
    private static Trained? _trained;

    private string _directory = string.Empty;

    [TestInitialize]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("camloss-cli-train-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [ClassCleanup]
    public static void DeleteTrainedModel()
    {
        if (_trained is not null)
        {
            Directory.Delete(_trained.Directory, recursive: true);
        }
    }

    [TestMethod]
    public void Run_Train_WritesModelAndRunFolder()
    {
        var trained = TrainOnce();

        Assert.AreEqual(ModelKind.MLNetModel, ModelSniffer.Detect(trained.Model), "--output is the ML.NET model zip");
        Assert.IsTrue(File.Exists(Path.Combine(trained.RunFolder, "checkpoint.camloss-ckpt")));
        Assert.IsFalse(File.Exists(Path.Combine(trained.RunFolder, "model.zip")), "one model: the zip --output names");
        Assert.Contains($"Saved {trained.Model} (", trained.Run.Stdout.Replace("\n", string.Empty), "the console wraps long lines");
        var log = File.ReadAllLines(Path.Combine(trained.RunFolder, "training.jsonl"));
        Assert.AreEqual(1, log.Count(l => JsonNode.Parse(l)!["type"]!.GetValue<string>() == "epoch"));
        var info = JsonNode.Parse(File.ReadAllText(Path.Combine(trained.RunFolder, "model.json")))!;
        Assert.AreEqual(trained.Model, info["model"]!.GetValue<string>());
        Assert.AreEqual(Path.Combine(trained.RunFolder, "checkpoint.camloss-ckpt"), info["checkpoint"]!.GetValue<string>());
        Assert.AreEqual("ResNet8", info["architecture"]!.GetValue<string>());
        Assert.AreEqual("CamLoss", info["trainer"]!.GetValue<string>());
        Assert.AreEqual(12, info["classes"]!.AsArray().Count);
        Assert.AreEqual(1, JsonNode.Parse(File.ReadAllText(Path.Combine(trained.RunFolder, "run.json")))!["seed"]!.GetValue<int>());
        Assert.Contains("epoch 1/1", trained.Run.Stdout);
        Assert.Contains("No test split", trained.Run.Stdout, "flowers12/test is a plain image folder: nothing is left to test on");
        Assert.IsFalse(File.Exists(Path.Combine(trained.RunFolder, "evaluation.json")));
    }

    [TestMethod]
    public void Run_PredictTopWithCam_WritesRankedLabelsAndFullSizeOverlays()
    {
        var trained = TrainOnce();
        var images = Daisies(2);
        var cams = Path.Combine(_directory, "cams");

        var predict = CliRun.Of(["predict", "--model", trained.Model, "--top", "3", "--cam", cams, .. images]).AssertSucceeded();

        foreach (var image in images)
        {
            Assert.Contains(image, predict.Stdout);
            var png = File.ReadAllBytes(Path.Combine(cams, Path.GetFileNameWithoutExtension(image) + ".cam.png"));
            Assert.IsTrue(png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10 }), "not a PNG");

            // The network saw the whole image (resized to 32×32; the 32×32 centre crop cuts nothing), so the overlay has the original 224×224 size.
            Assert.AreEqual(224, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
            Assert.AreEqual(224, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
        }

        var ranks = predict.Stdout.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal) && char.IsDigit(l.TrimStart()[0])).ToArray();
        Assert.HasCount(6, ranks, predict.Stdout);
    }

    [TestMethod]
    public void Run_PredictJson_WritesTheTopLabelsMostProbableFirst()
    {
        var trained = TrainOnce();
        var image = Daisies(1)[0];

        var predict = CliRun.Of("predict", "--model", trained.Model, "--json", "--top", "20", image).AssertSucceeded();

        var result = JsonNode.Parse(predict.Stdout)!.AsArray().Single()!;
        Assert.AreEqual(image, result["Image"]!.GetValue<string>());
        var top = result["Top"]!.AsArray().Select(t => t!["Probability"]!.GetValue<float>()).ToArray();
        Assert.HasCount(12, top, "--top is capped at the number of classes");
        CollectionAssert.AreEqual(top.OrderDescending().ToArray(), top);
        Assert.AreEqual(result["PredictedLabel"]!.GetValue<string>(), result["Top"]![0]!["Label"]!.GetValue<string>());
        Assert.AreEqual(1.0, top.Sum(), 1e-5);
    }

    [TestMethod]
    public void Run_EvaluateTrainedModel_PrintsMetricsAndConfusionMatrix()
    {
        var trained = TrainOnce();

        var evaluate = CliRun.Of("evaluate", "--model", trained.Model, "--data", trained.Data).AssertSucceeded();

        foreach (var metric in new[] { "MicroAccuracy", "MacroAccuracy", "LogLoss", "LogLossReduction", "TopKAccuracy (k = 5)", "/240)", "Confusion table", "windflower" })
        {
            Assert.Contains(metric, evaluate.Stdout);
        }
    }

    [TestMethod]
    public void Run_ExplainThenReport_WriteTheGalleryAndAReportThatEmbedsIt()
    {
        var trained = TrainOnce();
        var gallery = Path.Combine(trained.RunFolder, "gallery");

        CliRun.Of("explain", "--model", trained.Model, "--data", trained.Data, "--out", gallery, "--count", "4").AssertSucceeded();
        var report = Path.Combine(_directory, "report.html");
        CliRun.Of("report", trained.RunFolder, "--out", report).AssertSucceeded();

        Assert.HasCount(4, JsonNode.Parse(File.ReadAllText(Path.Combine(gallery, "gallery.json")))!["images"]!.AsArray());
        var page = System.Xml.Linq.XDocument.Load(report);
        Assert.IsGreaterThanOrEqualTo(4, page.Descendants().Count(e => e.Name.LocalName == "svg"));
        Assert.IsGreaterThanOrEqualTo(4, page.Descendants().Count(e => e.Name.LocalName == "img"));
    }

    [TestMethod]
    public void Run_DistillFromTrainedModel_WritesTheStudent()
    {
        var trained = TrainOnce();
        var student = Path.Combine(_directory, "student.zip");

        var distill = CliRun.Of(
            "distill", "--teacher", trained.RunFolder, "--student-arch", "resnet8", "--mode", "ccm", "--data", trained.Data,
            "--epochs", "1", "--image-size", "32", "--batch-size", "60", "--output", student).AssertSucceeded();

        Assert.Contains("CcmDistillation ResNet8", distill.Stdout);
        Assert.IsTrue(File.Exists(student));
        Assert.AreEqual("CcmDistillation", JsonNode.Parse(File.ReadAllText(Path.Combine(_directory, "student.run", "model.json")))!["trainer"]!.GetValue<string>());
    }

    [TestMethod]
    public void Run_TrainCancelledThenResumed_WritesACheckpointExits130AndFinishes()
    {
        var data = SharedData.Require("flowers12/test");
        var model = Path.Combine(_directory, "flowers.zip");
        string[] args = ["train", "--data", data, "--arch", "resnet8", "--loss", "ce", "--epochs", "2", "--image-size", "16", "--batch-size", "60", "--output", model];
        using var cancellation = new CancellationTokenSource();

        // Ctrl+C as the first epoch ends.
        var stopped = CliRun.Of(cancellation.Token, new CancellingWriter("epoch 1/2", cancellation), args);

        stopped.AssertOneLineError(ExitCodes.Cancelled, "camloss train: stopped", "checkpoint", "--resume");
        Assert.IsTrue(File.Exists(Path.Combine(_directory, "flowers.run", "checkpoint.camloss-ckpt")));
        Assert.IsFalse(File.Exists(model));

        var resumed = CliRun.Of([.. args, "--resume"]).AssertSucceeded();

        Assert.Contains("Resuming", resumed.Stdout);
        Assert.Contains("epoch 2/2", resumed.Stdout);
        Assert.DoesNotContain("epoch 1/2", resumed.Stdout);
        Assert.IsTrue(File.Exists(model));
        var epochs = File.ReadAllLines(Path.Combine(_directory, "flowers.run", "training.jsonl")).Count(l => l.Contains("\"type\":\"epoch\"", StringComparison.Ordinal));
        Assert.AreEqual(2, epochs);

        CliRun.Of(args).AssertOneLineError(ExitCodes.Failure, "already holds a checkpoint", "--resume", "--overwrite");
    }

    [TestMethod]
    public void Run_TrainWhileAnotherRunHoldsTheFolder_RefusedBeforeTouchingIt_EvenWithOverwrite()
    {
        var data = SharedData.Require("flowers12/test");
        var model = Path.Combine(_directory, "flowers.zip");
        var folder = Path.Combine(_directory, "flowers.run");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "checkpoint.camloss-ckpt"), "the other run's checkpoint");

        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        Task other;
        using (ExecutionContext.SuppressFlow())
        {
            other = Task.Factory.StartNew(
                () =>
                {
                    using var hold = RunFolderLock.Acquire(folder);   // another run, training there
                    started.Set();
                    release.Wait();
                },
                TaskCreationOptions.LongRunning);
        }

        started.Wait();
        try
        {
            foreach (var extra in new[] { Array.Empty<string>(), ["--overwrite"] })
            {
                CliRun.Of(["train", "--data", data, "--arch", "resnet8", "--epochs", "1", "--image-size", "16", "--output", model, .. extra])
                    .AssertOneLineError(ExitCodes.Failure, $"The run folder '{folder}' is in use by another training run");
            }

            Assert.AreEqual("the other run's checkpoint", File.ReadAllText(Path.Combine(folder, "checkpoint.camloss-ckpt")), "--overwrite deleted nothing");
            Assert.IsFalse(File.Exists(model));
        }
        finally
        {
            release.Set();
            other.GetAwaiter().GetResult();
        }
    }

    [TestMethod]
    [DataRow("auto", "fp32", false)]
    [DataRow("bf16", "bf16", true)]
    public void Run_TrainPrecisionOnACpuWithoutBf16_SaysWhichAndWarnsForBf16(string requested, string used, bool warns)
    {
        var data = SharedData.Require("flowers12/test");
        using var cpu = HardwareSupport.Force(new HardwareSupport(new HashSet<string>(), null));
        var model = Path.Combine(_directory, "flowers.zip");
        var run = CliRun.Of("train", "--data", data, "--arch", "resnet8", "--loss", "ce", "--epochs", "1", "--image-size", "16", "--batch-size", "60", "--precision", requested, "--output", model);

        Assert.AreEqual(ExitCodes.Success, run.ExitCode, run.Stderr);
        Assert.Contains($" img/s {used} ETA ", run.Stdout, "the progress line says the precision");
        var log = File.ReadAllLines(Path.Combine(_directory, "flowers.run", "training.jsonl"));
        Assert.IsTrue(log.All(l => JsonNode.Parse(l)!["precision"]!.GetValue<string>() == used));
        if (warns)
        {
            Assert.StartsWith("warning: Precision = Bf16 was requested, but the CPU has neither avx512_bf16 nor amx_bf16", run.Stderr);
            Assert.Contains("--precision auto or fp32", run.Stderr);
        }
        else
        {
            Assert.AreEqual(string.Empty, run.Stderr);
        }
    }

    private static string[] Daisies(int count) =>
        [.. Directory.GetFiles(Path.Combine(SharedData.Require("flowers12/test"), "daisy")).Order(StringComparer.Ordinal).Take(count)];

    /// <summary>The class's model, trained on first use (Inconclusive without the shared data).</summary>
    private static Trained TrainOnce()
    {
        var data = SharedData.Require("flowers12/test");
        lock (TrainingLock)
        {
            if (_trained is null)
            {
                var directory = Directory.CreateTempSubdirectory("camloss-cli-trained-").FullName;
                var model = Path.Combine(directory, "flowers.zip");
                var run = CliRun.Of("train", "--data", data, "--arch", "resnet8", "--epochs", "1", "--image-size", "32", "--batch-size", "32", "--seed", "1", "--output", model);
                _trained = new Trained(run.AssertSucceeded(), data, directory, model, Path.Combine(directory, "flowers.run"));
            }

            return _trained;
        }
    }

    private sealed record Trained(CliRun Run, string Data, string Directory, string Model, string RunFolder);

    /// <summary>Stdout that cancels the run when a line containing <paramref name="trigger"/> is written, as Ctrl+C would.</summary>
    private sealed class CancellingWriter(string trigger, CancellationTokenSource cancellation) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value?.Contains(trigger, StringComparison.Ordinal) == true)
            {
                cancellation.Cancel();
            }
        }
    }
}
