using Microsoft.ML.CamLoss.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Data;

/// <summary>The real data sets load with the published counts and classes (files are listed, not decoded).</summary>
[TestClass]
public sealed class RealDatasetTests
{
    [TestMethod]
    [DataRow("flowers12", 720, 240, "bluebell,buttercup,colts-foot,daisy,dandelion,fritillary,iris,lily-valley,pansy,sunflower,tigerlily,windflower")]
    [DataRow("cifar10-jpeg", 50_000, 10_000, "airplane,automobile,bird,cat,deer,dog,frog,horse,ship,truck")]
    public void ImageFolder_RealTrainAndTestFolders_PublishedCountsAndClasses(string folder, int trainCount, int testCount, string classes)
    {
        var root = SharedData.Require(folder);
        var train = ImageFolder.Load(Path.Combine(root, "train"));
        var test = ImageFolder.Load(Path.Combine(root, "test"));

        Assert.AreEqual(trainCount, train.Count);
        Assert.AreEqual(testCount, test.Count);
        var names = classes.Split(',');
        CollectionAssert.AreEqual(names, train.Classes.ToArray());
        CollectionAssert.AreEqual(names, test.Classes.ToArray());
        CollectionAssert.AreEqual(Enumerable.Repeat(trainCount / names.Length, names.Length).ToArray(), train.CountPerClass(), "balanced classes");
        CollectionAssert.AreEqual(Enumerable.Repeat(testCount / names.Length, names.Length).ToArray(), test.CountPerClass());
        Assert.AreEqual(0, train.SkipReport.Count);
    }

    [TestMethod]
    public void Cub200_Subset_100Classes2999TrainAnd2903Test()
    {
        var root = SharedData.Require("cub200-subset/CUB_200_2011");
        var train = Cub200.Load(root, DataSplit.Train);
        var test = Cub200.Load(root, DataSplit.Test);
        var all = Cub200.Load(Path.GetDirectoryName(root)!, DataSplit.All);

        Assert.AreEqual(2999, train.Count);
        Assert.AreEqual(2903, test.Count);
        Assert.AreEqual(5902, all.Count);
        Assert.AreEqual(100, train.Classes.Count);
        Assert.AreEqual("001.Black_footed_Albatross", train.Classes[0]);
        Assert.AreEqual("100.Common_Yellowthroat", train.Classes[99]);
        Assert.IsTrue(train.CountPerClass().All(n => n is 29 or 30));
        Assert.IsTrue(train[0].Image.Name.EndsWith(".jpg", StringComparison.Ordinal));
        Assert.IsTrue(train[0].Image.Name.Contains("/images/001.Black_footed_Albatross/", StringComparison.Ordinal));
        Assert.IsNull(train[0].Box, "this subset ships no bounding_boxes.txt");
    }

    [TestMethod]
    public void Idx_FashionMnistFromDebian_60000TrainAnd10000Test()
    {
        if (!File.Exists(Path.Combine(Idx.DebianFashionMnistFolder, "train-images-idx3-ubyte.gz")))
        {
            Assert.Inconclusive($"{Idx.DebianFashionMnistFolder} is not present (install Debian's dataset-fashion-mnist).");
        }

        var train = Idx.LoadFashionMnist(DataSplit.Train);
        var test = Idx.LoadFashionMnist(DataSplit.Test);

        Assert.AreEqual(60_000, train.Count);
        Assert.AreEqual(10_000, test.Count);
        Assert.AreEqual(10, train.Classes.Count);
        Assert.AreEqual("Ankle boot", train.Classes[9]);
        CollectionAssert.AreEqual(Enumerable.Repeat(6000, 10).ToArray(), train.CountPerClass());
        Assert.IsNotNull(train.InMemory);
        Assert.AreEqual((1, 28, 28), (train.InMemory.Channels, train.InMemory.Height, train.InMemory.Width));
        Assert.AreEqual(9, train[0].Label, "the first Fashion-MNIST training image is an ankle boot");
    }
}
