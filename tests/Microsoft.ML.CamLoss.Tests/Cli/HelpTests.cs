using Microsoft.ML.CamLoss.Cli;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Cli;

[TestClass]
public sealed class HelpTests
{
    [TestMethod]
    public void Run_Help_ListsEveryCommandOnStdout()
    {
        var run = CliRun.Of("--help").AssertSucceeded();
        foreach (var command in new[] { "train", "distill", "evaluate", "predict", "explain", "report", "export" })
        {
            Assert.Contains(command, run.Stdout);
        }
    }

    [TestMethod]
    public void Run_TrainHelp_ListsEveryTrainerOption()
    {
        var run = CliRun.Of("train", "--help").AssertSucceeded();
        foreach (var option in new[]
        {
            "--data", "--format", "--arch", "--weights", "--replace-classifier", "--loss", "--epochs", "--batch-size", "--optimizer", "--lr", "--lr-decay",
            "--warmup-epochs", "--momentum", "--nesterov", "--weight-decay", "--head-lr-multiplier", "--validation-fraction", "--early-stopping",
            "--seed", "--device", "--precision", "--threads", "--workers", "--progress-interval", "--output", "--run-dir", "--resume",
            "--cam-weight", "--cam-start-epoch", "--adaptive-start", "--distance", "--attention", "--sigma", "--omega", "--theta", "--image-size",
        })
        {
            Assert.Contains(option, run.Stdout);
        }

        Assert.Contains("(default 160)", run.Stdout, "defaults are quoted from the library's options");
        Assert.DoesNotContain("--deterministic", run.Stdout, "the Deterministic trainer option is gone (TorchSharp has no deterministic-algorithms switch)");
    }

    [TestMethod]
    public void Run_Version_ShowsTheToolAndTheEngine()
    {
        var run = CliRun.Of("--version").AssertSucceeded();

        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.HasCount(2, lines, run.Stdout);
        Assert.StartsWith("camloss ", lines[0]);
        Assert.StartsWith("TorchSharp ", lines[1]);
        Assert.Contains(", libtorch 2.", lines[1]);
    }

    [TestMethod]
    public void Run_NoCommand_ShowsHelpAndFails()
    {
        var run = CliRun.Of();
        Assert.AreEqual(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("Commands:", run.Stdout);
    }
}
