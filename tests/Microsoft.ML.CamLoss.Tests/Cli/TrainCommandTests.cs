using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Cli;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Cli;

/// <summary><c>camloss train</c> end to end on a tiny run (240 flowers at 32×32, ResNet-8), then <c>predict</c> and <c>evaluate</c> on the model it wrote.</summary>
[TestClass]
public sealed class TrainCommandTests
{
    private string _directory = string.Empty;

    [TestInitialize]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("camloss-cli-train-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [TestMethod]
    public void Run_TrainThenPredictWithCam_WritesModelRunFolderAndCamPngs()
    {
        var data = SharedData.Require("flowers12/test");
        var model = Path.Combine(_directory, "flowers.camloss");

        var train = CliRun.Of("train", "--data", data, "--arch", "resnet8", "--epochs", "1", "--image-size", "32", "--batch-size", "32", "--seed", "1", "--output", model)
            .AssertSucceeded();

        Assert.IsTrue(File.Exists(model));
        var runFolder = Path.Combine(_directory, "flowers.run");
        Assert.IsTrue(File.Exists(Path.Combine(runFolder, "checkpoint.camloss-ckpt")));
        var log = File.ReadAllLines(Path.Combine(runFolder, "training.jsonl"));
        Assert.AreEqual(1, log.Count(l => JsonNode.Parse(l)!["type"]!.GetValue<string>() == "epoch"));
        var info = JsonNode.Parse(File.ReadAllText(Path.Combine(runFolder, "model.json")))!;
        Assert.AreEqual("ResNet8", info["architecture"]!.GetValue<string>());
        Assert.AreEqual("CamLoss", info["trainer"]!.GetValue<string>());
        Assert.AreEqual(12, info["classes"]!.AsArray().Count);
        Assert.AreEqual(1, JsonNode.Parse(File.ReadAllText(Path.Combine(runFolder, "run.json")))!["seed"]!.GetValue<int>());
        Assert.Contains("epoch 1/1", train.Stdout);

        var images = Directory.GetFiles(Path.Combine(data, "daisy")).Order(StringComparer.Ordinal).Take(2).ToArray();
        var cams = Path.Combine(_directory, "cams");
        var predict = CliRun.Of(["predict", "--model", model, "--top", "3", "--cam", cams, .. images]).AssertSucceeded();

        foreach (var image in images)
        {
            Assert.Contains(image, predict.Stdout);
            var png = File.ReadAllBytes(Path.Combine(cams, Path.GetFileNameWithoutExtension(image) + ".cam.png"));
            Assert.IsTrue(png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10 }), "not a PNG");
            // The network saw the whole image (resize to 32×32, no real crop): the overlay has the original 224×224 size.
            Assert.AreEqual(224, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
            Assert.AreEqual(224, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
        }

        var ranks = predict.Stdout.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal) && char.IsDigit(l.TrimStart()[0])).ToArray();
        Assert.HasCount(6, ranks, predict.Stdout);
    }

    [TestMethod]
    public void Run_TrainCancelledThenResumed_WritesACheckpointExits130AndFinishes()
    {
        var data = SharedData.Require("flowers12/test");
        var model = Path.Combine(_directory, "flowers.camloss");
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

        var again = CliRun.Of(args);
        again.AssertOneLineError(ExitCodes.Failure, "already holds a checkpoint", "--resume", "--overwrite");
    }

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
