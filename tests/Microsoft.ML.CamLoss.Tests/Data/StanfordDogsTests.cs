using Microsoft.ML.CamLoss.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Data;

/// <summary>Stanford Dogs on a synthetic tree whose .mat lists SciPy wrote (compressed and not), and the MATLAB 5 reader itself.</summary>
[TestClass]
public sealed class StanfordDogsTests
{
    [TestMethod]
    [DataRow("compressed")]
    [DataRow("uncompressed")]
    public void Load_ScipyLists_OfficialSplitLabelsAndBreeds(string lists)
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.StanfordDogs(temp, lists);

        var train = StanfordDogs.Load(root, DataSplit.Train);
        var test = StanfordDogs.Load(root, DataSplit.Test);
        var all = StanfordDogs.Load(root, DataSplit.All);

        Assert.AreEqual(5, train.Count);
        Assert.AreEqual(2, test.Count);
        Assert.AreEqual(7, all.Count);
        CollectionAssert.AreEqual(new[] { "n02085620-Chihuahua", "n02085782-Japanese_spaniel", "n02086240-Shih-Tzu" }, train.Classes.ToArray());
        CollectionAssert.AreEqual(new[] { 0, 0, 1, 2, 2 }, train.Select(s => s.Label).ToArray());
        CollectionAssert.AreEqual(new[] { 0, 1 }, test.Select(s => s.Label).ToArray());
        StringAssert.EndsWith(test[1].Image.FilePath, Path.Combine("Images", "n02085782-Japanese_spaniel", "n02085782_8.jpg"));
        Assert.IsNull(train[0].Box);
    }

    [TestMethod]
    public void Load_ListsBesideImagesAndAnnotations_ReadsBoxes()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.StanfordDogs(temp, "compressed");
        File.Move(Path.Combine(root, "lists", "test_list.mat"), Path.Combine(root, "test_list.mat"));
        temp.WriteLines("dogs/Annotation/n02085620-Chihuahua/n02085620_5",
            "<annotation><object><name>Chihuahua</name><bndbox><xmin>2</xmin><ymin>3</ymin><xmax>12</xmax><ymax>9</ymax></bndbox></object></annotation>");

        var test = StanfordDogs.Load(root, DataSplit.Test);

        Assert.AreEqual(new BoundingBox(2, 3, 10, 6), test[0].Box);
        Assert.IsNull(test[1].Box);
    }

    [TestMethod]
    [DataRow("compressed")]
    [DataRow("uncompressed")]
    public void MatFile_ScipyLists_CellOfCharAndDoubleLabels(string lists)
    {
        var mat = MatFile.Read(SyntheticTrees.MatFixture(lists, "train_list.mat"));

        CollectionAssert.AreEqual(new[] { 1.0, 1, 2, 3, 3 }, mat.GetNumbers("labels"));
        Assert.AreEqual("n02085782-Japanese_spaniel/n02085782_7.jpg", mat.GetStrings("file_list")[2]);
        Assert.AreEqual("n02086240-Shih-Tzu/n02086240_4", mat.GetStrings("annotation_list")[4]);
        CollectionAssert.AreEqual(new[] { 5, 1 }, mat.Get<MatCellArray>("file_list").Dimensions.ToArray());
    }

    [TestMethod]
    public void MatFile_OtherTypes_NumbersCharsStructsCells()
    {
        var mat = MatFile.Read(SyntheticTrees.MatFixture(string.Empty, "misc.mat"));

        CollectionAssert.AreEqual(new[] { 1.0, 4, -2, 5, 3, -6 }, mat.GetNumbers("ints"), "int32 [2, 3], column-major");
        CollectionAssert.AreEqual(new[] { 0.5, 1.25 }, mat.GetNumbers("single"));
        CollectionAssert.AreEqual(new[] { 7.0, 255 }, mat.GetNumbers("bytes"));
        CollectionAssert.AreEqual(new[] { 1.0, 0, 1 }, mat.GetNumbers("flags"));
        Assert.AreEqual("ab\ncd", mat.Get<MatCharArray>("rows").Text);
        var info = mat.Get<MatStructArray>("info").Elements[0];
        Assert.AreEqual(3.0, ((MatNumericArray)info["count"]).Values[0]);
        Assert.AreEqual("dogs", ((MatCharArray)info["title"]).Text);
        CollectionAssert.AreEqual(new[] { "x", string.Empty }, mat.GetStrings("mixed"));
        Assert.AreEqual("caf\u00e9 \u2713", mat.Get<MatCharArray>("unicode").Text);
    }
}
