using Microsoft.ML.CamLoss.Cli;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Cli;

/// <summary>
/// The command-line errors no other test reaches (issue 16, must-show 4): each exits non-zero with one line on stderr,
/// no stack trace, naming the flag or the file and what to do. None trains or loads a network, so the table runs in seconds.
/// Placeholders: <c>{dir}</c> an empty folder, <c>{image}</c> a JPEG, <c>{checkpoint}</c> a PyTorch state dict,
/// <c>{trainonly}</c> an image folder with train/ and no test/.
/// </summary>
[TestClass]
public sealed class CliErrorPathTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    [TestMethod]
    [DataRow("export --model {image} --onnx {dir}", ExitCodes.Usage, "--onnx '{dir}' is a folder; give a file name")]
    [DataRow("predict --model {image} --opacity 2 {image}", ExitCodes.Usage, "--opacity must be between 0 and 1; got 2")]
    [DataRow("predict --model {checkpoint} --arch resnet20 --classes , {image}", ExitCodes.Usage, "--classes names no classes")]
    [DataRow("predict --model {checkpoint} --arch resnet20 {image}", ExitCodes.Usage, "is a PyTorch checkpoint, which does not record its classes; pass them with --classes")]
    [DataRow("predict --model {image} --top 0 {image}", ExitCodes.Usage, "--top must be at least 1; got 0")]
    [DataRow("evaluate --model {image} --data {trainonly} --top-k 0", ExitCodes.Usage, "--top-k must be at least 1; got 0")]
    [DataRow("explain --model {image} --data {trainonly} --out {dir} --count 0", ExitCodes.Usage, "--count must be at least 1; got 0")]
    [DataRow("evaluate --model {image} --data {trainonly}", ExitCodes.Failure, "has no test/ folder beside train/", "choose --split train")]
    [DataRow("evaluate --model {image} --data {trainonly} --split all", ExitCodes.Failure, "keeps train/ and test/ apart", "choose --split train or --split test")]
    [DataRow("evaluate --model {image} --data {dir} --format cifar", ExitCodes.Failure, "has no CIFAR binary files")]
    [DataRow("distill --teacher {dir}/missing.run --student-arch resnet8 --data {trainonly} --output {dir}/s.zip", ExitCodes.Failure, "teacher '{dir}/missing.run' does not exist; --teacher takes a run folder or its checkpoint")]
    [DataRow("distill --teacher {dir} --student-arch resnet8 --data {trainonly} --output {dir}/s.zip", ExitCodes.Failure, "teacher '{dir}' is a folder; it holds no training checkpoint (checkpoint.camloss-ckpt)")]
    [DataRow("export --model {dir} --onnx {dir}/m.onnx", ExitCodes.Failure, "model '{dir}' is a folder; it holds no training checkpoint (checkpoint.camloss-ckpt); give --model the run folder")]
    [DataRow("distill --teacher {checkpoint} --student-arch resnet8 --data {trainonly} --output {dir}/s.zip", ExitCodes.Usage, "does not record its architecture; pass --teacher-arch")]
    [DataRow("train --data {trainonly} --arch resnet8 --output {dir}/m.zip --resume --overwrite", ExitCodes.Usage, "--resume and --overwrite exclude each other")]
    [DataRow("train --data {trainonly} --arch resnet8 --output {dir}/m.zip --early-stopping-metric logloss", ExitCodes.Usage, "need --early-stopping PATIENCE")]
    [DataRow("train --data {trainonly} --arch resnet8 --output {dir}/m.zip --image-size 0", ExitCodes.Usage, "--image-size must be at least 1; got 0")]
    public void Run_ErrorPath_OneLineAndNonZeroExit(string command, int exitCode, params string[] mentions)
    {
        using var temp = new TempFolder();
        var dir = temp.Folder("empty");
        SyntheticTrees.ImageFolder(temp, "trainonly/train", 2, "daisy", "rose");
        string Fill(string text) => text
            .Replace("{dir}", dir, StringComparison.Ordinal)
            .Replace("{image}", Path.Combine(Fixtures, "images", "rgb.jpg"), StringComparison.Ordinal)
            .Replace("{checkpoint}", Path.Combine(Fixtures, "Checkpoints", "state_legacy.pt"), StringComparison.Ordinal)
            .Replace("{trainonly}", Path.Combine(temp.Path, "trainonly"), StringComparison.Ordinal);

        var run = CliRun.Of([.. command.Split(' ').Select(Fill)]);

        run.AssertOneLineError(exitCode, [.. mentions.Select(Fill)]);
        Assert.IsFalse(File.Exists(Path.Combine(dir, "m.zip")) || File.Exists(Path.Combine(dir, "s.zip")) || File.Exists(Path.Combine(dir, "m.onnx")), "nothing written");
    }
}
