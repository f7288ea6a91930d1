using Microsoft.ML.CamLoss.Cli;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Cli;

/// <summary>Every error a user can reach ends in a non-zero exit code and one line on stderr that names the thing at fault, never a stack trace.</summary>
[TestClass]
public sealed class CliErrorTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");
    private static readonly string Image = Path.Combine(Fixtures, "images", "rgb.jpg");
    private string _directory = string.Empty;

    [TestInitialize]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("camloss-cli-errors-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [TestMethod]
    [DataRow("evaluate")]
    [DataRow("train")]
    [DataRow("explain")]
    public void Run_MissingDataFolder_FailsWithOneLineNamingTheFolder(string command)
    {
        var missing = Path.Combine(_directory, "no-such-data");
        var args = command switch
        {
            "train" => new[] { command, "--data", missing, "--output", Path.Combine(_directory, "m.zip") },
            "explain" => [command, "--data", missing, "--model", Image, "--out", _directory],
            _ => [command, "--data", missing, "--model", Image],
        };
        CliRun.Of(args).AssertOneLineError(ExitCodes.Failure, $"camloss {command}:", missing, "does not exist");
    }

    [TestMethod]
    public void Run_DataFolderOfUnknownLayout_FailsListingTheLayoutsLookedFor()
    {
        File.WriteAllText(Path.Combine(_directory, "notes.txt"), "not a data set");
        CliRun.Of("evaluate", "--data", _directory, "--model", Image)
            .AssertOneLineError(ExitCodes.Failure, _directory, "images.txt", "train_list.mat", "data_batch_1.bin", "idx3-ubyte", "--format");
    }

    [TestMethod]
    public void Run_UnknownPrecision_FailsListingThePrecisions() =>
        CliRun.Of("train", "--data", _directory, "--output", Path.Combine(_directory, "m.zip"), "--precision", "half")
            .AssertOneLineError(ExitCodes.Usage, "unknown precision 'half'", "auto, fp32, bf16, fp16");

    [TestMethod]
    [DataRow("--epochs", "0", "--epochs must be at least 1; got 0")]
    [DataRow("--lr", "-1", "--lr must be a finite value ≥ 0; got -1")]
    [DataRow("--threads", "100000", "--threads must be at most 4 per core")]
    [DataRow("--workers", "-1", "--workers must be ≥ 0; got -1")]
    [DataRow("--max-image-pixels", "0", "--max-image-pixels must be between 1 and 536870911; got 0")]
    public void Run_OptionOutOfRange_UsageErrorNamingTheFlag(string flag, string value, string expected) =>
        CliRun.Of("train", "--data", _directory, "--output", Path.Combine(_directory, "m.zip"), flag, value)
            .AssertOneLineError(ExitCodes.Usage, expected);

    [TestMethod]
    public void Run_TrainWithAClassOnlyInTheTestSplit_RefusedBeforeTraining()
    {
        using var temp = new Data.TempFolder();
        Data.SyntheticTrees.ImageFolder(temp, "flowers/train", 3, "daisy", "rose");
        Data.SyntheticTrees.ImageFolder(temp, "flowers/test", 2, "daisy", "rose", "tulip");
        var run = CliRun.Of("train", "--data", Path.Combine(temp.Path, "flowers"), "--arch", "resnet8", "--epochs", "1", "--image-size", "16", "--output", Path.Combine(_directory, "m.zip"));
        run.AssertOneLineError(ExitCodes.Failure, "has 1 class(es) the training split lacks ('tulip')", "remove them from the test split");
        Assert.DoesNotContain("Training", run.Stdout, "refused before training starts");
    }

    [TestMethod]
    public void Run_WrongKindOfPath_SaysWhatItIs()
    {
        var loop = Path.Combine(_directory, "loop");
        File.CreateSymbolicLink(loop, loop);   // a link to itself
        CliRun.Of("train", "--data", loop, "--output", Path.Combine(_directory, "m.zip"))
            .AssertOneLineError(ExitCodes.Failure, $"data path '{loop}' is a symbolic link that reaches nothing (a loop or a missing target)");
        CliRun.Of("report", Image).AssertOneLineError(ExitCodes.Failure, $"run folder '{Path.GetFullPath(Image)}' is a file", "give the run folder of a training");
        CliRun.Of("predict", "--model", Image, _directory).AssertOneLineError(ExitCodes.Failure, $"image '{_directory}' is a folder; predict takes image files");
    }

    [TestMethod]
    public void Evaluate_FolderWithBrokenAndLatin1NamedImages_OneLineWithoutSkipElseListsBothAndCountsTheRest()
    {
        using var temp = new Data.TempFolder();
        var root = Data.SyntheticTrees.ImageFolder(temp, "flowers", 3, "daisy", "rose");
        var broken = temp.Write("flowers/daisy/broken.jpg", [.. Data.FixtureImages.Jpeg[..200]]);
        var latin1 = Data.SyntheticTrees.RenameToLatin1(Path.Combine(root, "rose"), "000.jpg");
        var model = Path.Combine(_directory, "flowers.onnx");
        using (var network = CamLoss.Models.Backbones.Create(CamLoss.Models.Architecture.ResNet8, 2))
        {
            CamLoss.Onnx.OnnxExport.Save(network, ["daisy", "rose"], new CamLoss.Data.ImagePipeline().Resize(16, 16).NormalizeImageNet(), model, new CamLoss.Onnx.OnnxExportOptions { Maps = CamLoss.Onnx.OnnxMaps.CamAndCaam });
        }

        CliRun.Of("evaluate", "--model", model, "--data", root).AssertOneLineError(ExitCodes.Failure, latin1, "not valid UTF-8", "rename it");

        var run = CliRun.Of("evaluate", "--model", model, "--data", root, "--skip-invalid-images", "--json");
        Assert.AreEqual(ExitCodes.Success, run.ExitCode, run.Stderr);
        var json = System.Text.Json.Nodes.JsonNode.Parse(run.Stdout)!;
        var skipped = json["SkippedImages"]!.AsArray().Select(s => s!["file"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToArray();
        CollectionAssert.AreEqual(new[] { broken, latin1 }.Order(StringComparer.Ordinal).ToArray(), skipped);
        var counted = json["ConfusionMatrix"]!["Counts"]!.AsArray().SelectMany(row => row!.AsArray()).Sum(n => n!.GetValue<int>());
        Assert.AreEqual(6 + 1 - 2, counted, "the five readable images are scored, the two skipped are not");

        var text = CliRun.Of("evaluate", "--model", model, "--data", root, "--skip-invalid-images");
        Assert.Contains("on 5 images", text.Stdout.Replace("\n", string.Empty));
        Assert.Contains("Skipped 2 invalid evaluation image(s)", text.Stdout.Replace("\n", string.Empty));

        var explain = CliRun.Of("explain", "--model", model, "--data", root, "--skip-invalid-images", "--out", Path.Combine(_directory, "gallery"));
        Assert.AreEqual(ExitCodes.Success, explain.ExitCode, explain.Stderr);
        Assert.Contains("Wrote a gallery of 5 images", explain.Stdout);
        Assert.Contains($"Skipped 2 invalid gallery image(s) (--skip-invalid-images): ", explain.Stdout);
        Assert.Contains(latin1, explain.Stdout);
    }

    [TestMethod]
    public void Run_TrainSkippingInvalidImages_SaysWhichAndCountsConsistently()
    {
        using var temp = new Data.TempFolder();
        var root = Path.Combine(temp.Path, "flowers");
        Data.SyntheticTrees.ImageFolder(temp, "flowers/train", 4, "daisy", "rose");
        Data.SyntheticTrees.ImageFolder(temp, "flowers/test", 2, "daisy", "rose");
        var broken = temp.Write("flowers/train/rose/broken.jpg", [.. Data.FixtureImages.Jpeg[..200]]);   // a truncated JPEG: found when decoded
        // 9 images in batches of 3: every image is decoded in the one epoch (with batches of 4 the epoch's last, odd image is
        // dropped, and one run in nine never met the broken one).
        var output = Path.Combine(_directory, "m.zip");
        var run = CliRun.Of("train", "--data", root, "--arch", "resnet8", "--epochs", "1", "--image-size", "16", "--batch-size", "3", "--skip-invalid-images", "--output", output);

        Assert.AreEqual(ExitCodes.Success, run.ExitCode, run.Stderr);
        Assert.Contains($"Skipped 1 invalid training image(s) (--skip-invalid-images): {broken}", run.Stdout.Replace("\n", string.Empty), "the console wraps long lines");
        var info = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(_directory, "m.run", "model.json")))!;
        Assert.AreEqual(broken, info["skippedTrainImages"]![0]!["file"]!.GetValue<string>());
        var evaluation = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(_directory, "m.run", "evaluation.json")))!;
        Assert.IsEmpty(evaluation["SkippedImages"]!.AsArray());
        Assert.AreEqual(4, info["testImages"]!.GetValue<int>(), "the test count is the images scored");
        Assert.AreEqual(8, info["trainImages"]!.GetValue<int>(), "the training count is the images trained on: 9 listed, 1 unreadable");
        Assert.Contains("trained on 8 of the 9 images", run.Stdout.Replace("\n", string.Empty));
    }

    [TestMethod]
    public void Run_UnknownFormat_FailsListingTheFormats() =>
        CliRun.Of("evaluate", "--data", _directory, "--model", Image, "--format", "tfrecord")
            .AssertOneLineError(ExitCodes.Usage, "unknown format 'tfrecord'", "auto, imagefolder, cub, dogs, cifar, idx");

    [TestMethod]
    [DataRow("train")]
    [DataRow("evaluate")]
    [DataRow("distill")]
    public void Run_UnknownArchitecture_FailsListingTheArchitectures(string command)
    {
        var args = command switch
        {
            "train" => new[] { command, "--data", _directory, "--output", "m.zip", "--arch", "resnet21" },
            "distill" => [command, "--data", _directory, "--output", "m.zip", "--teacher", Image, "--student-arch", "resnet21"],
            _ => [command, "--data", _directory, "--model", Image, "--arch", "resnet21"],
        };
        CliRun.Of(args).AssertOneLineError(ExitCodes.Usage, $"camloss {command}:", "unknown architecture 'resnet21'", "resnet20", "wideresnet28x10");
    }

    [TestMethod]
    public void Run_CorruptModel_FailsWithOneLineNamingTheFile()
    {
        var model = Path.Combine(_directory, "corrupt.zip");
        File.WriteAllBytes(model, [.. Enumerable.Range(0, 1000).Select(i => (byte)(i * 37))]);
        CliRun.Of("predict", "--model", model, Image).AssertOneLineError(ExitCodes.Failure, model, "not a CamLoss");
    }

    [TestMethod]
    public void Run_TruncatedModel_FailsWithOneLineNamingTheFile()
    {
        var model = Path.Combine(_directory, "truncated.zip");
        File.WriteAllBytes(model, [(byte)'P', (byte)'K', 3, 4, 20, 0, 0, 0]);
        CliRun.Of("predict", "--model", model, Image).AssertOneLineError(ExitCodes.Failure, model);
        var distill = CliRun.Of("distill", "--teacher", model, "--student-arch", "resnet8", "--data", _directory, "--output", Path.Combine(_directory, "student.zip"));
        distill.AssertOneLineError(ExitCodes.Failure, model);
        Assert.DoesNotContain("PyTorch checkpoint", distill.Stderr, "a truncated model is not called a PyTorch checkpoint");
    }

    [TestMethod]
    public void Run_MissingModel_FailsWithOneLineNamingTheFile()
    {
        var model = Path.Combine(_directory, "missing.zip");
        CliRun.Of("predict", "--model", model, Image).AssertOneLineError(ExitCodes.Failure, model, "does not exist");
    }

    [TestMethod]
    [DataRow("state_legacy.pt")]
    [DataRow("state_zip.pt")]
    public void Run_PredictWithPyTorchCheckpointWithoutArch_FailsAskingForArchAndClasses(string fixture)
    {
        var checkpoint = Path.Combine(Fixtures, "Checkpoints", fixture);
        CliRun.Of("predict", "--model", checkpoint, Image).AssertOneLineError(ExitCodes.Usage, checkpoint, "PyTorch checkpoint", "--arch", "--classes");
    }

    [TestMethod]
    public void Run_UnknownOption_FailsNamingTheOption() =>
        CliRun.Of("evaluate", "--model", Image, "--data", _directory, "--learning-rat", "0.1")
            .AssertOneLineError(ExitCodes.Usage, "camloss evaluate:", "--learning-rat", "camloss evaluate --help");

    [TestMethod]
    public void Run_DeterministicFlag_IsAnUnknownOption() =>
        CliRun.Of("train", "--data", _directory, "--output", "m.zip", "--deterministic")
            .AssertOneLineError(ExitCodes.Usage, "camloss train:", "--deterministic");

    [TestMethod]
    public void Run_UnknownCommand_FailsNamingTheCommand() =>
        CliRun.Of("fit", "--data", _directory).AssertOneLineError(ExitCodes.Usage, "'fit'");

    [TestMethod]
    public void Run_RequiredOptionMissing_FailsNamingTheOption() =>
        CliRun.Of("train", "--data", _directory).AssertOneLineError(ExitCodes.Usage, "--output");

    [TestMethod]
    public void Run_BadNumber_FailsNamingTheOptionAndTheValue() =>
        CliRun.Of("train", "--data", _directory, "--output", "m.zip", "--epochs", "ten").AssertOneLineError(ExitCodes.Usage, "--epochs", "'ten'");

    [TestMethod]
    public void Run_LossOptionOfAnotherLoss_FailsNamingTheOption() =>
        CliRun.Of("train", "--data", _directory, "--output", "m.zip", "--loss", "ce", "--sigma", "0.5").AssertOneLineError(ExitCodes.Usage, "--sigma", "--loss icasc");

    [TestMethod]
    public void Run_ReportOnAFolderThatIsNotARun_FailsNamingTheFolder() =>
        CliRun.Of("report", _directory).AssertOneLineError(ExitCodes.Failure, _directory, "training.jsonl");

    [TestMethod]
    public void Run_ResumeWithoutCheckpoint_FailsNamingTheCheckpoint()
    {
        var data = SharedData.Require("flowers12/test");
        CliRun.Of("train", "--data", data, "--output", Path.Combine(_directory, "m.zip"), "--resume")
            .AssertOneLineError(ExitCodes.Failure, "nothing to resume", Path.Combine(_directory, "m.run", "checkpoint.camloss-ckpt"));
    }

    [TestMethod]
    public void Run_VerboseError_AddsTheDetailsAfterTheLine()
    {
        var model = Path.Combine(_directory, "corrupt.zip");
        File.WriteAllText(model, "not a model");
        var run = CliRun.Of("predict", "--model", model, Image, "--verbose");
        Assert.AreEqual(ExitCodes.Failure, run.ExitCode);
        Assert.StartsWith($"camloss predict: {model}", run.Stderr);
        Assert.Contains("ModelFileException", run.Stderr);
    }
}
