using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.ML.CamLoss.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Training;

/// <summary>The checkpoint is the file of a TorchSharp model: <see cref="ImageClassificationModel.FromCheckpoint"/> gives back what training returned.</summary>
[TestClass]
public sealed class CheckpointModelTests
{
    [TestMethod]
    public void FromCheckpoint_AfterFit_SameClassesPreprocessingScoresAndMaps()
    {
        using var temp = new TempFolder();
        var data = ImageFolder.Load(SyntheticTrees.ImageFolder(temp, "shapes", 6, "circle", "square", "star"));
        var run = Path.Combine(temp.Path, "shapes.run");
        var trainer = new CamLossImageClassificationTrainer(new() { Architecture = Architecture.ResNet8, Epochs = 2, BatchSize = 6, Seed = 3, CheckpointDirectory = run });
        using var trained = trainer.Fit(data, new ImagePipeline().Resize(16, 16).NormalizeImageNet());
        using var loaded = ImageClassificationModel.FromCheckpoint(run);

        CollectionAssert.AreEqual(trained.ClassNames.ToArray(), loaded.ClassNames.ToArray());
        CollectionAssert.AreEqual(trained.InputShape.ToArray(), loaded.InputShape.ToArray());
        Assert.AreEqual(trained.Architecture, loaded.Architecture);
        Assert.AreEqual("CamLoss", loaded.TrainerName);
        Assert.HasCount(2, loaded.History);
        var options = new ScoringOptions { IncludeCam = true };
        var expected = trained.Transform(data, options);
        var actual = loaded.Transform(data, options);
        for (var i = 0; i < expected.Count; i++)
        {
            CollectionAssert.AreEqual(expected[i].Score, actual[i].Score, $"row {i}: the same weights and preprocessing give the same scores, bit for bit");
            CollectionAssert.AreEqual(expected[i].Cam!.Values.ToArray(), actual[i].Cam!.Values.ToArray(), $"row {i}'s CAM");
        }
    }

    [TestMethod]
    public void FromCheckpoint_FolderWithoutCheckpoint_OneLineNamingTheFile()
    {
        using var temp = new TempFolder();
        var error = Assert.ThrowsExactly<ModelFileException>(() => ImageClassificationModel.FromCheckpoint(temp.Path));
        StringAssert.Contains(error.Message, Path.Combine(temp.Path, ImageClassificationTrainer.CheckpointFileName));
        Assert.DoesNotContain("\n", error.Message);
    }
}
