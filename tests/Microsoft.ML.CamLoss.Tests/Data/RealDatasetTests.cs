using Microsoft.ML.CamLoss.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Data;

/// <summary>The real data sets load with the published counts and classes (files are listed, not decoded).</summary>
[TestClass]
public sealed class RealDatasetTests
{
    [TestMethod]
    public void ImageFolder_Flowers12_720TrainAnd240TestIn12Classes()
    {
        var root = SharedData.Require("flowers12");
        var train = ImageFolder.Load(Path.Combine(root, "train"));
        var test = ImageFolder.Load(Path.Combine(root, "test"));

        Assert.AreEqual(720, train.Count);
        Assert.AreEqual(240, test.Count);
        Assert.AreEqual(12, train.Classes.Count);
        CollectionAssert.AreEqual(train.Classes.ToArray(), test.Classes.ToArray());
        Assert.AreEqual("bluebell", train.Classes[0]);
        Assert.AreEqual("windflower", train.Classes[11]);
        CollectionAssert.AreEqual(Enumerable.Repeat(60, 12).ToArray(), train.CountPerClass());
        CollectionAssert.AreEqual(Enumerable.Repeat(20, 12).ToArray(), test.CountPerClass());
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
    public void ImageFolder_Cifar10Jpeg_50000TrainAnd10000TestInCifarOrder()
    {
        var root = SharedData.Require("cifar10-jpeg");
        var train = ImageFolder.Load(Path.Combine(root, "train"));
        var test = ImageFolder.Load(Path.Combine(root, "test"));

        Assert.AreEqual(50_000, train.Count);
        Assert.AreEqual(10_000, test.Count);
        CollectionAssert.AreEqual(Cifar.Cifar10Classes.ToArray(), train.Classes.ToArray());
        CollectionAssert.AreEqual(Enumerable.Repeat(5000, 10).ToArray(), train.CountPerClass());
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
