using Microsoft.ML;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.FewShot;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.ML.CamLoss.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.FewShot;

/// <summary>
/// Baseline++ end to end on colour classes the test makes (10 classes × 10 images): a ResNet-8 with a
/// cosine head trained one epoch with CAM-loss on 4 base classes (its run folder kept), evaluated on 3-way episodes of
/// the 5 novel ones; the backbone reloaded from the run folder scores the same episodes alike.
/// </summary>
[TestClass]
public sealed class FewShotEvaluationTests
{
    private static TempFolder? _temp;
    private static ImageDataset _all = null!;
    private static FewShotClassSplit _split = null!;
    private static ImageClassificationModel _model = null!;
    private static string _runFolder = string.Empty;

    [ClassInitialize]
    public static void Train(TestContext context)
    {
        _temp = new TempFolder();
        _all = ImageFolder.Load(ColourImageFolder.Write(_temp, "colours", classes: 10, perClass: 10));
        _split = FewShotClassSplit.Create(_all.Classes, baseCount: 4, validationCount: 1, seed: 1);
        _runFolder = Path.Combine(_temp.Path, "run");
        _model = new CamLossImageClassificationTrainer(new CamLossImageClassificationTrainer.Options
        {
            Architecture = Architecture.ResNet8, Epochs = 1, BatchSize = 8, LearningRate = 0.05, CamLossStartEpoch = 0,
            CosineClassifierScale = 10, DataLoaderWorkers = 0, Seed = 1, CheckpointDirectory = _runFolder,
        }).Fit(_split.Select(_all, FewShotClassPart.Base), new ImagePipeline().NormalizeImageNet());
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        _model?.Dispose();
        _temp?.Dispose();
    }

    [TestMethod]
    public void Fit_CosineClassifierScale_TrainsACosineHeadOnTheBaseClasses()
    {
        Assert.AreEqual(10.0, _model.Network.CosineScale);
        Assert.IsNull(_model.Network.Classifier.bias);
        CollectionAssert.AreEqual(_split.BaseClasses.ToList(), _model.ClassNames.ToList());
    }

    [TestMethod]
    public void Evaluate_NovelEpisodes_AccuracyPerEpisodeAndWellAboveChance()
    {
        var evaluation = Evaluate(_model, seed: 3, episodesPerBatch: 5);

        Assert.HasCount(2, evaluation.Results);
        Assert.AreEqual(50, evaluation.Images, "the 5 novel classes' images");
        CollectionAssert.AreEqual(_split.NovelClasses.ToList(), evaluation.Classes.ToList());
        foreach (var result in evaluation.Results)
        {
            Assert.HasCount(12, result.EpisodeAccuracies);
            Assert.IsTrue(result.EpisodeAccuracies.All(a => a is >= 0 and <= 1));

            // Colours tell the classes apart: far above the 1/3 of guessing, even after one epoch.
            Assert.IsTrue(result.Accuracy.Mean > 0.6, result.ToString());
        }

        Assert.AreEqual(1, evaluation[1].Shot);
        Assert.AreEqual(3UL, evaluation.Seed, "the options' seed");
    }

    [TestMethod]
    public void Evaluate_SameSeed_SameAccuracies_WhateverTheBatchOfEpisodes()
    {
        var first = Evaluate(_model, seed: 3, episodesPerBatch: 5);
        var second = Evaluate(_model, seed: 3, episodesPerBatch: 12);
        var other = Evaluate(_model, seed: 4, episodesPerBatch: 12);

        for (var k = 0; k < 2; k++)
        {
            CollectionAssert.AreEqual(first.Results[k].EpisodeAccuracies.ToList(), second.Results[k].EpisodeAccuracies.ToList());
        }

        CollectionAssert.AreNotEqual(first.Results[0].EpisodeAccuracies.ToList(), other.Results[0].EpisodeAccuracies.ToList());
    }

    [TestMethod]
    public void FromCheckpoint_CosineModel_KeepsItsHeadAndScoresTheSameEpisodes()
    {
        using var loaded = ImageClassificationModel.FromCheckpoint(_runFolder);

        Assert.AreEqual(10.0, loaded.Network.CosineScale);
        var expectedEpisodes = Evaluate(_model, seed: 3, episodesPerBatch: 12);
        var actualEpisodes = Evaluate(loaded, seed: 3, episodesPerBatch: 12);
        for (var k = 0; k < 2; k++)
        {
            CollectionAssert.AreEqual(expectedEpisodes.Results[k].EpisodeAccuracies.ToList(), actualEpisodes.Results[k].EpisodeAccuracies.ToList(), "the reloaded backbone's episodes");
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var images = torch.randn(2, 3, 24, 24);
        using var expected = _model.Network.forward(images);
        using var actual = loaded.Network.forward(images);
        Assert.IsTrue(actual.Logits.Equals(expected.Logits), "the loaded model computes the same logits");
    }

    [TestMethod]
    public void EvaluateFewShot_MLNetImageFolder_SameEpisodesAsTheCoreOnTheReloadedBackbone()
    {
        var folder = ColourImageFolder.Write(_temp!, "novel", classes: 5, perClass: 10);
        var options = new FewShotOptions { Way = 3, Shots = [2], Queries = 4, Episodes = 12, FitEpochs = 50, Seed = 3 };

        var expected = FewShotEvaluator.Evaluate(_model, ImageFolder.Load(folder), options);
        var mlContext = new MLContext(seed: 1);
        var actual = mlContext.MulticlassClassification.EvaluateFewShot(_runFolder, mlContext.Data.LoadImageFolder(folder), options);

        CollectionAssert.AreEqual(expected.Classes.ToList(), actual.Classes.ToList());
        CollectionAssert.AreEqual(expected[2].EpisodeAccuracies.ToList(), actual[2].EpisodeAccuracies.ToList(), "the same images, classes and seed: the same episodes");
    }

    [TestMethod]
    public void EvaluateFewShot_NoImagePathColumn_NamesTheColumn()
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable([new LabelOnly { Label = "a" }]);
        var error = Assert.ThrowsExactly<ArgumentException>(() => mlContext.MulticlassClassification.EvaluateFewShot(_runFolder, data));
        Assert.Contains("no text column 'ImagePath'", error.Message);
    }

    [TestMethod]
    public void Evaluate_TooFewNovelClassesOrImages_OneClearError()
    {
        var novel = _split.Select(_all, FewShotClassPart.Novel);
        var ways = Assert.ThrowsExactly<ArgumentException>(() => FewShotEvaluator.Evaluate(_model, novel, new FewShotOptions { Way = 6 }));
        Assert.Contains("need at least 6 classes", ways.Message);
        Assert.Contains("(novel classes) has 5", ways.Message);

        var images = Assert.ThrowsExactly<ArgumentException>(() => FewShotEvaluator.Evaluate(_model, novel, new FewShotOptions { Way = 3, Shots = [1, 7], Queries = 4 }));
        Assert.Contains("3-way 7-shot episodes with 4 queries need 11 images in every class (7 support + 4 query)", images.Message);
        Assert.Contains($"class '{novel.Classes[0]}' has 10", images.Message);
    }

    private static FewShotEvaluation Evaluate(ImageClassificationModel model, int seed, int episodesPerBatch) =>
        FewShotEvaluator.Evaluate(model, _split.Select(_all, FewShotClassPart.Novel), new FewShotOptions
        {
            Way = 3, Shots = [1, 2], Queries = 4, Episodes = 12, EpisodesPerBatch = episodesPerBatch, FitEpochs = 50, Seed = seed,
        });

    private sealed class LabelOnly
    {
        public string Label { get; set; } = string.Empty;
    }
}
