using Microsoft.ML.CamLoss.Cli;
using Microsoft.ML.CamLoss.Cli.Data;
using Microsoft.ML.CamLoss.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Cli;

/// <summary><c>--format auto</c>: each layout is recognised by its marker files (empty files suffice to detect).</summary>
[TestClass]
public sealed class DataLocatorTests
{
    private string _directory = string.Empty;

    [TestInitialize]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("camloss-cli-layout-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [TestMethod]
    [DataRow("images.txt|classes.txt", "Cub")]
    [DataRow("CUB_200_2011/images.txt", "Cub")]
    [DataRow("Images/n02085620-Chihuahua/a.jpg|lists/train_list.mat", "Dogs")]
    [DataRow("Images/n02085620-Chihuahua/a.jpg|train_list.mat", "Dogs")]
    [DataRow("data_batch_1.bin|test_batch.bin", "Cifar")]
    [DataRow("cifar-10-batches-bin/test_batch.bin", "Cifar")]
    [DataRow("cifar-100-binary/train.bin", "Cifar")]
    [DataRow("train-images-idx3-ubyte.gz|train-labels-idx1-ubyte.gz", "Idx")]
    [DataRow("t10k-images-idx3-ubyte", "Idx")]
    [DataRow("train/cat/1.jpg|test/cat/2.jpg", "ImageFolder")]
    [DataRow("cat/1.png|dog/2.JPEG", "ImageFolder")]
    public void Detect_LayoutMarkers_FindsTheLayout(string files, string expected)
    {
        foreach (var file in files.Split('|'))
        {
            var path = Path.Combine(_directory, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, []);
        }

        Assert.AreEqual(Enum.Parse<DataFormat>(expected), DataLocator.Detect(_directory));
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("readme.txt")]
    [DataRow("cat/notes.txt")]
    public void Detect_NoMarker_ReturnsNull(string files)
    {
        foreach (var file in files.Split('|', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(_directory, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, []);
        }

        Assert.IsNull(DataLocator.Detect(_directory));
    }

    [TestMethod]
    public void Open_ImageFolderWithTrainAndTest_HasATestSplitAndLoadsEachFolder()
    {
        var root = SharedData.Require("flowers12");
        var source = DataLocator.Open(root, DataFormat.Auto);
        Assert.AreEqual(DataFormat.ImageFolder, source.Format);
        Assert.IsTrue(source.HasTestSplit);
        Assert.AreEqual(720, source.Load(DataSplit.Train, new ImageDatasetOptions()).Count);
        Assert.AreEqual(240, source.Load(DataSplit.Test, new ImageDatasetOptions()).Count);
    }

    [TestMethod]
    public void Open_PlainImageFolder_LoadsEverythingForAnySplit()
    {
        var root = SharedData.Require("flowers12/test");
        var source = DataLocator.Open(root, DataFormat.Auto);
        Assert.IsFalse(source.HasTestSplit);
        Assert.AreEqual(240, source.Load(DataSplit.Test, new ImageDatasetOptions()).Count);
    }

    [TestMethod]
    public void Open_Cub200Subset_IsDetectedFromItsParentFolder()
    {
        var root = Path.GetDirectoryName(SharedData.Require("cub200-subset/CUB_200_2011"))!;
        var source = DataLocator.Open(root, DataFormat.Auto);
        Assert.AreEqual(DataFormat.Cub, source.Format);
        Assert.AreEqual(2903, source.Load(DataSplit.Test, new ImageDatasetOptions()).Count);
    }

    [TestMethod]
    public void Open_DebianFashionMnist_IsIdxWithFashionClassNames()
    {
        if (!Directory.Exists(Idx.DebianFashionMnistFolder))
        {
            Assert.Inconclusive($"{Idx.DebianFashionMnistFolder} is not present (Debian package dataset-fashion-mnist).");
        }

        var source = DataLocator.Open(Idx.DebianFashionMnistFolder, DataFormat.Auto);
        Assert.AreEqual(DataFormat.Idx, source.Format);
        Assert.IsTrue(source.HasTestSplit);
        Assert.IsTrue(source.IsGrayscale);
        var test = source.Load(DataSplit.Test, new ImageDatasetOptions());
        Assert.AreEqual(10_000, test.Count);
        Assert.AreEqual("T-shirt/top", test.Classes[0]);
    }

    [TestMethod]
    public void Open_FileInsteadOfFolder_ThrowsSayingItIsAFile()
    {
        var file = Path.Combine(_directory, "data.zip");
        File.WriteAllBytes(file, []);
        var error = Assert.ThrowsExactly<CliException>(() => DataLocator.Open(file, DataFormat.Auto));
        Assert.Contains("is a file", error.Message);
    }
}
