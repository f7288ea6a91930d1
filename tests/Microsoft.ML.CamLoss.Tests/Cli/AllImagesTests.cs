using Microsoft.ML.CamLoss.Cli.Data;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Cli;

/// <summary>Few-shot uses every image of a data set: its splits together, classes matched by name.</summary>
[TestClass]
public sealed class AllImagesTests
{
    [TestMethod]
    public void Load_ImageFolderWithTrainAndTest_UnionOfClassesByName()
    {
        using var temp = new TempFolder();
        SyntheticTrees.ImageFolder(temp, "set/train", 2, "cat", "dog");
        SyntheticTrees.ImageFolder(temp, "set/test", 1, "ant", "dog");

        var all = AllImages.Load(DataLocator.Open(Path.Combine(temp.Path, "set"), DataFormat.Auto), new ImageDatasetOptions());

        CollectionAssert.AreEqual(new[] { "cat", "dog", "ant" }, all.Classes.ToList(), "the training split's classes, then those only the test split has");
        Assert.AreEqual(6, all.Count);
        CollectionAssert.AreEqual(new[] { 2, 3, 1 }, all.CountPerClass());
        Assert.IsTrue(all.All(s => all.Classes[s.Label] == Path.GetFileName(Path.GetDirectoryName(s.Image.Name))), "every image keeps its own class");
    }

    [TestMethod]
    public void Load_Cub_EveryImageInIdOrder()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.Cub(temp);

        var all = AllImages.Load(DataLocator.Open(root, DataFormat.Auto), new ImageDatasetOptions());

        Assert.AreEqual(6, all.Count, "train and test images");
        CollectionAssert.AreEqual(Cub200.Load(root, DataSplit.All).Select(s => s.Image.Name).ToList(), all.Select(s => s.Image.Name).ToList());
    }
}
