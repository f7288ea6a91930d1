using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Cli;
using Microsoft.ML.CamLoss.FewShot;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.ML.CamLoss.Tests.FewShot;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Cli;

/// <summary>
/// <c>camloss fewshot</c> on colour classes the test makes (10 classes × 10 images): train a ResNet-8
/// Baseline++ for one epoch on 4 base classes and score 3-way episodes of the 5 novel ones; then
/// <c>--model</c> scores the saved model again; bad settings stop before training with one line.
/// </summary>
[TestClass]
public sealed class FewShotCommandTests
{
    private static TempFolder? _temp;
    private static string _data = string.Empty;
    private static string _model = string.Empty;
    private static CliRun? _trained;

    [ClassInitialize]
    public static void Train(TestContext context)
    {
        _temp = new TempFolder();
        _data = ColourImageFolder.Write(_temp, "colours", classes: 10, perClass: 10);
        _model = Path.Combine(_temp.Path, "out", "colours.zip");
        _trained = CliRun.Of(
            "fewshot", "--data", _data, "--arch", "resnet8", "--loss", "camloss", "--cam-start-epoch", "0", "--epochs", "1", "--batch-size", "8",
            "--image-size", "24", "--workers", "0", "--class-split", "4,1,5", "--way", "3", "--shot", "1,2", "--queries", "4", "--episodes", "10",
            "--seed", "1", "--output", _model);
    }

    [ClassCleanup]
    public static void Cleanup() => _temp?.Dispose();

    [TestMethod]
    public void Run_Train_WritesModelSplitAndResults()
    {
        _trained!.AssertSucceeded();
        Assert.IsTrue(File.Exists(_model));
        var split = FewShotClassSplit.Load(Path.Combine(_temp!.Path, "out", "colours.split.json"));
        Assert.AreEqual((4, 1, 5), (split.BaseClasses.Count, split.ValidationClasses.Count, split.NovelClasses.Count));
        Assert.AreEqual(1UL, split.Seed, "the split is drawn from the run's seed");

        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(_temp.Path, "out", "colours.run", "fewshot.json")))!;
        var shots = results["results"]!.AsArray();
        Assert.HasCount(2, shots);
        Assert.AreEqual(10, shots[0]!["episodeAccuracies"]!.AsArray().Count);
        CollectionAssert.AreEqual(split.NovelClasses.ToList(), results["classes"]!.AsArray().Select(c => c!.GetValue<string>()).ToList());
        Assert.Contains("Training CamLoss ResNet8 on 40 images of 4 classes", _trained.Stdout);
        Assert.Contains("3-way 1-shot, 4 queries, 10 episodes", _trained.Stdout);
        Assert.Contains("3-way 2-shot, 4 queries, 10 episodes", _trained.Stdout);
        Assert.Contains("±", _trained.Stdout);
    }

    [TestMethod]
    public void Run_Model_ScoresTheSavedModelOnTheSameEpisodes()
    {
        _trained!.AssertSucceeded();
        var run = CliRun.Of("fewshot", "--model", _model, "--data", _data, "--way", "3", "--shot", "2", "--queries", "4", "--episodes", "10", "--json").AssertSucceeded();

        var again = JsonNode.Parse(run.Stdout)!["results"]!.AsArray().Single()!;
        var trained = JsonNode.Parse(File.ReadAllText(Path.Combine(_temp!.Path, "out", "colours.run", "fewshot.json")))!["results"]![1]!;
        Assert.AreEqual(2, again["shot"]!.GetValue<int>());
        CollectionAssert.AreEqual(
            trained["episodeAccuracies"]!.AsArray().Select(a => a!.GetValue<double>()).ToList(),
            again["episodeAccuracies"]!.AsArray().Select(a => a!.GetValue<double>()).ToList(),
            "the split file's seed gives the episodes the training run scored");
    }

    [TestMethod]
    public void Run_ModelWithTrainingOption_UsageError()
    {
        CliRun.Of("fewshot", "--model", _model, "--data", _data, "--epochs", "3")
            .AssertOneLineError(ExitCodes.Usage, "--epochs applies only when training");
    }

    [TestMethod]
    public void Run_JsonWhileTraining_UsageError()
    {
        CliRun.Of("fewshot", "--data", _data, "--output", "x.zip", "--json").AssertOneLineError(ExitCodes.Usage, "--json applies only with --model");
    }

    [TestMethod]
    public void Run_NoOutputNoModel_UsageError()
    {
        CliRun.Of("fewshot", "--data", _data).AssertOneLineError(ExitCodes.Usage, "--output is required to train");
    }

    [TestMethod]
    public void Run_MoreWaysThanNovelClasses_OneLineBeforeTraining()
    {
        var model = Path.Combine(_temp!.Path, "ways", "m.zip");
        CliRun.Of("fewshot", "--data", _data, "--class-split", "4,1,5", "--way", "6", "--seed", "1", "--output", model)
            .AssertOneLineError(ExitCodes.Failure, "6-way 1-shot episodes with 15 queries need at least 6 classes", "(novel classes) has 5");
        Assert.IsFalse(Directory.Exists(Path.GetDirectoryName(model)), "nothing was trained or written");
    }

    [TestMethod]
    public void Run_ClassWithTooFewImages_NamesTheClassAndCounts()
    {
        var data = ColourImageFolder.Write(_temp!, "short", classes: 6, perClass: 20, shortClass: 2, shortCount: 7);
        var model = Path.Combine(_temp!.Path, "short-out", "m.zip");
        CliRun.Of("fewshot", "--data", data, "--class-split", "1,0,5", "--way", "2", "--shot", "5", "--queries", "5", "--seed", "1", "--output", model)
            .AssertOneLineError(ExitCodes.Usage, "base ≥ 2");

        // The episodes draw from the part the short class c02 falls in (the split is the one the seed draws).
        var part = FewShotClassSplit.Create([.. Enumerable.Range(0, 6).Select(c => $"c{c:D2}")], 2, 0, seed: 1).BaseClasses.Contains("c02") ? "base" : "novel";
        CliRun.Of("fewshot", "--data", data, "--class-split", "2,0,4", "--way", "2", "--shot", "5", "--queries", "5", "--evaluate-on", part, "--seed", "1", "--output", model)
            .AssertOneLineError(ExitCodes.Failure, "2-way 5-shot episodes with 5 queries need 10 images in every class (5 support + 5 query)", "class 'c02' has 7");
        Assert.IsFalse(Directory.Exists(Path.GetDirectoryName(model)), "stopped before training");
    }

    [TestMethod]
    public void Run_Help_ListsFewShotWithItsEpisodeAndTrainingOptions()
    {
        Assert.Contains("fewshot", CliRun.Of("--help").AssertSucceeded().Stdout);
        var help = CliRun.Of("fewshot", "--help").AssertSucceeded().Stdout;
        foreach (var option in new[] { "--data", "--way", "--shot", "--queries", "--episodes", "--class-split", "--cosine-scale", "--evaluate-on", "--model", "--split-file", "--loss", "--arch", "--epochs", "--output", "--cam-weight" })
        {
            Assert.Contains(option, help);
        }

        Assert.Contains("(default 600)", help);
    }

    [TestMethod]
    public void Run_BadShotList_UsageError()
    {
        CliRun.Of("fewshot", "--data", _data, "--shot", "1,five", "--output", "x.zip")
            .AssertOneLineError(ExitCodes.Usage, "--shot expects whole numbers separated by commas; got '1,five'");
    }
}
