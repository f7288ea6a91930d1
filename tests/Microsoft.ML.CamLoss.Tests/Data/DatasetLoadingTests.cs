using Microsoft.ML.CamLoss.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Data;

/// <summary>Each layout on a small synthetic tree: samples, labels, class names, boxes, in-memory blocks.</summary>
[TestClass]
public sealed class DatasetLoadingTests
{
    [TestMethod]
    public void Cub200_SyntheticTree_SplitsByFlagAndReadsBoxes()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.Cub(temp);

        var train = Cub200.Load(temp.Path, DataSplit.Train);
        var test = Cub200.Load(root, DataSplit.Test);

        Assert.AreEqual(3, train.Count);
        Assert.AreEqual(3, test.Count);
        CollectionAssert.AreEqual(new[] { 0, 1, 2 }, train.Select(s => s.Label).ToArray());
        CollectionAssert.AreEqual(new[] { "001.Alpha_Bird", "002.Beta_Bird", "003.Gamma_Bird" }, train.Classes.ToArray());
        Assert.AreEqual(new BoundingBox(1, 2.5, 10, 9), test[0].Box);
        Assert.AreEqual(Path.Combine(root, "images", "002.Beta_Bird", "Beta_Bird_0003.jpg"), train[1].Image.FilePath);
    }

    [TestMethod]
    public void Cub200_NoBoundingBoxFile_BoxesAreNull()
    {
        using var temp = new TempFolder();
        SyntheticTrees.Cub(temp, boxes: false);
        Assert.IsTrue(Cub200.Load(temp.Path, DataSplit.All).All(s => s.Box is null));
    }

    [TestMethod]
    public void ImageFolder_ClassesInOrdinalOrder_IgnoresOtherFilesAndHiddenFolders()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.ImageFolder(temp, "set", 2, "b", "B", "a");
        temp.WriteLines("set/a/notes.txt", "not an image");
        temp.Write("set/.cache/x.jpg", FixtureImages.Jpeg);
        temp.Write("set/a/UPPER.JPG", FixtureImages.Jpeg);

        var data = ImageFolder.Load(root);

        CollectionAssert.AreEqual(new[] { "B", "a", "b" }, data.Classes.ToArray());
        CollectionAssert.AreEqual(new[] { 2, 3, 2 }, data.CountPerClass());
        Assert.AreEqual(1, data.Classes.IndexOf("a"));
        Assert.AreEqual(-1, data.Classes.IndexOf("A"));
    }

    [TestMethod]
    public void Cifar10_SyntheticBatches_LabelsPixelsAndSplits()
    {
        using var temp = new TempFolder();
        for (var b = 1; b <= 5; b++)
        {
            temp.Write($"cifar-10-batches-bin/data_batch_{b}.bin", SyntheticTrees.CifarRecords([[(byte)b], [(byte)(b + 4)]]));
        }

        temp.Write("cifar-10-batches-bin/test_batch.bin", SyntheticTrees.CifarRecords([[3]]));

        var train = Cifar.Load10(temp.Path, DataSplit.Train);
        var test = Cifar.Load10(Path.Combine(temp.Path, "cifar-10-batches-bin"), DataSplit.Test);

        Assert.AreEqual(10, train.Count);
        Assert.AreEqual(1, test.Count);
        CollectionAssert.AreEqual(new[] { 1, 5, 2, 6, 3, 7, 4, 8, 5, 9 }, train.Select(s => s.Label).ToArray());
        Assert.AreEqual("cat", test.Classes[test[0].Label]);
        Assert.IsNotNull(train.InMemory);
        Assert.AreEqual(7, train.InMemory.GetImage(1)[0], "record 1 of data_batch_1 starts at 7");
        using var image = ImageDecoding.DecodeRgb(train[1].Image);
        CollectionAssert.AreEqual(new long[] { 32, 32, 3 }, image.shape);
        using var green = image[0, 0, 1];
        Assert.AreEqual((7 + 1024) % 256, (int)green.item<byte>(), "CHW records: the green plane starts at byte 1024");
    }

    [TestMethod]
    public void Cifar100_FineAndCoarseLabels_WithNameFiles()
    {
        using var temp = new TempFolder();
        temp.Write("cifar-100-binary/train.bin", SyntheticTrees.CifarRecords([[19, 99], [0, 4]]));
        temp.Write("cifar-100-binary/test.bin", SyntheticTrees.CifarRecords([[1, 2]]));
        temp.WriteLines("cifar-100-binary/coarse_label_names.txt", Enumerable.Range(0, 20).Select(i => $"coarse{i}"));

        var fine = Cifar.Load100(temp.Path, DataSplit.Train);
        var coarse = Cifar.Load100(temp.Path, DataSplit.All, Cifar100Labels.Coarse);

        CollectionAssert.AreEqual(new[] { 99, 4 }, fine.Select(s => s.Label).ToArray());
        Assert.AreEqual(100, fine.Classes.Count);
        CollectionAssert.AreEqual(new[] { 19, 0, 1 }, coarse.Select(s => s.Label).ToArray());
        Assert.AreEqual("coarse19", coarse.Classes[19]);
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Idx_PlainOrGzipped_ReadsImagesAndLabels(bool gzip)
    {
        using var temp = new TempFolder();
        var pixels = Enumerable.Range(0, 3 * 4 * 5).Select(i => (byte)i).ToArray();
        var images = temp.Write("images.idx", SyntheticTrees.Idx([3, 4, 5], pixels, gzip));
        var labels = temp.Write("labels.idx", SyntheticTrees.Idx([3], [2, 0, 1], gzip));

        var data = Idx.Load(images, labels);

        Assert.AreEqual(3, data.Count);
        CollectionAssert.AreEqual(new[] { "0", "1", "2" }, data.Classes.ToArray());
        CollectionAssert.AreEqual(new[] { 2, 0, 1 }, data.Select(s => s.Label).ToArray());
        Assert.AreEqual((1, 4, 5), (data.InMemory!.Channels, data.InMemory.Height, data.InMemory.Width));
        Assert.AreEqual(20, data.InMemory.GetImage(1)[0]);
    }

    [TestMethod]
    public void Idx_MnistLayout_FindsGzOrPlainFiles()
    {
        using var temp = new TempFolder();
        temp.Write("train-images-idx3-ubyte.gz", SyntheticTrees.Idx([2, 2, 2], new byte[8], gzip: true));
        temp.Write("train-labels-idx1-ubyte", SyntheticTrees.Idx([2], [9, 3], gzip: false));

        var data = Idx.LoadMnistLayout(temp.Path, DataSplit.Train, Idx.FashionMnistClasses);

        Assert.AreEqual("Ankle boot", data.Classes[data[0].Label]);
    }

    [TestMethod]
    public void FromEnumerable_PathBytesAndStreamRows_ClassesFromLabels()
    {
        using var temp = new TempFolder();
        var path = temp.Write("cat.jpg", FixtureImages.Jpeg);
        ImageRow[] rows =
        [
            new() { ImagePath = path, Label = "cat" },
            new() { ImageBytes = FixtureImages.Jpeg, Label = "dog", Name = "dog-bytes" },
            new() { ImageStream = new MemoryStream(FixtureImages.Jpeg), Label = "ant" },
        ];

        var data = ImageDataset.FromEnumerable(rows);

        CollectionAssert.AreEqual(new[] { "ant", "cat", "dog" }, data.Classes.ToArray());
        CollectionAssert.AreEqual(new[] { 1, 2, 0 }, data.Select(s => s.Label).ToArray());
        foreach (var sample in data)
        {
            using var image = ImageDecoding.DecodeRgb(sample.Image);
            CollectionAssert.AreEqual(new long[] { 16, 24, 3 }, image.shape, sample.Image.Name);
        }

        Assert.AreEqual("dog-bytes", data[1].Image.Name);
    }

    [TestMethod]
    public void FromEnumerable_TypedRowsWithIndexLabels_UsesGivenClasses()
    {
        var rows = new[] { (Bytes: FixtureImages.Jpeg, Class: 1), (Bytes: FixtureImages.Jpeg, Class: 0) };
        var data = ImageDataset.FromEnumerable(rows, r => ImageSource.FromBytes(r.Bytes), r => r.Class, ["no", "yes"]);
        CollectionAssert.AreEqual(new[] { 1, 0 }, data.Select(s => s.Label).ToArray());
        Assert.AreEqual("yes", data.Classes[data[0].Label]);
    }

    [TestMethod]
    public void SplitTrainValidation_SameSeed_SameStratifiedSplit()
    {
        var rows = Enumerable.Range(0, 100).Select(i => (Image: ImageSource.FromBytes(FixtureImages.Jpeg, $"img{i}"), Label: i < 60 ? "a" : "b"));
        var data = ImageDataset.FromEnumerable(rows, r => r.Image, r => r.Label);

        var first = data.SplitTrainValidation(0.2, seed: 7);
        var again = data.SplitTrainValidation(0.2, seed: 7);
        var other = data.SplitTrainValidation(0.2, seed: 8);

        Assert.AreEqual(80, first.Train.Count);
        CollectionAssert.AreEqual(new[] { 12, 8 }, first.Validation.CountPerClass(), "20% of each class");
        CollectionAssert.AreEqual(Names(first.Validation), Names(again.Validation));
        CollectionAssert.AreNotEqual(Names(first.Validation), Names(other.Validation));
        CollectionAssert.AreEquivalent(Names(data), Names(first.Train).Concat(Names(first.Validation)).ToArray());
        Assert.AreSame(data.Classes, first.Train.Classes);

        static string[] Names(ImageDataset d) => [.. d.Select(s => s.Image.Name)];
    }

    [TestMethod]
    public void SeededRandom_SameKeys_SameStream_DifferentKeys_Different()
    {
        var a = SeededRandom.Derive(1, 2, 3);
        var b = SeededRandom.Derive(1, 2, 3);
        var c = SeededRandom.Derive(1, 3, 2);
        var sa = Enumerable.Range(0, 8).Select(_ => a.NextUInt64()).ToArray();
        CollectionAssert.AreEqual(sa, Enumerable.Range(0, 8).Select(_ => b.NextUInt64()).ToArray());
        CollectionAssert.AreNotEqual(sa, Enumerable.Range(0, 8).Select(_ => c.NextUInt64()).ToArray());

        var r = new SeededRandom(5);
        var beta = Enumerable.Range(0, 20_000).Select(_ => r.NextBeta(2, 5)).ToArray();
        Assert.AreEqual(2.0 / 7, beta.Average(), 0.01, "Beta(2, 5) has mean 2/7");
        var ints = Enumerable.Range(0, 70_000).Select(_ => r.NextInt(7)).GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());
        Assert.IsTrue(ints.Keys.Order().SequenceEqual(Enumerable.Range(0, 7)) && ints.Values.All(n => Math.Abs(n - 10_000) < 500));
    }
}
