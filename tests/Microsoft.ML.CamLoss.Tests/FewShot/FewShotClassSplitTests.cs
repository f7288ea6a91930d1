using Microsoft.ML.CamLoss.FewShot;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.FewShot;

[TestClass]
public sealed class FewShotClassSplitTests
{
    [TestMethod]
    public void Create_Fractions_HalfQuarterRest_DisjointAndComplete()
    {
        var classes = EpisodeSamplerTests.Synthetic(classes: 100, perClass: 1).Classes;
        var split = FewShotClassSplit.Create(classes, seed: 5);

        Assert.HasCount(50, split.BaseClasses);
        Assert.HasCount(25, split.ValidationClasses);
        Assert.HasCount(25, split.NovelClasses);
        CollectionAssert.AreEquivalent(classes.ToList(), split.BaseClasses.Concat(split.ValidationClasses).Concat(split.NovelClasses).ToList());
        CollectionAssert.AreEqual(split.NovelClasses.Order(StringComparer.Ordinal).ToList(), split.NovelClasses.ToList(), "each part keeps the data set's class order");
    }

    [TestMethod]
    public void Create_SameSeedSameSplit_OtherSeedOtherSplit()
    {
        var classes = EpisodeSamplerTests.Synthetic(classes: 40, perClass: 1).Classes;
        var a = FewShotClassSplit.Create(classes, 20, 10, seed: 1);
        var b = FewShotClassSplit.Create(classes, 20, 10, seed: 1);
        var c = FewShotClassSplit.Create(classes, 20, 10, seed: 2);

        CollectionAssert.AreEqual(a.NovelClasses.ToList(), b.NovelClasses.ToList());
        CollectionAssert.AreEqual(a.BaseClasses.ToList(), b.BaseClasses.ToList());
        CollectionAssert.AreNotEqual(a.NovelClasses.ToList(), c.NovelClasses.ToList());
    }

    [TestMethod]
    public void Select_Base_RelabelsToThePartsClassesAndKeepsOnlyTheirImages()
    {
        var data = EpisodeSamplerTests.Synthetic(classes: 10, perClass: 3);
        var split = FewShotClassSplit.Create(data.Classes, 4, 2, seed: 9);

        var train = split.Select(data, FewShotClassPart.Base);

        Assert.AreEqual(12, train.Count);
        CollectionAssert.AreEqual(split.BaseClasses.ToList(), train.Classes.ToList());
        foreach (var sample in train)
        {
            Assert.AreEqual(train.Classes[sample.Label], Path.GetFileName(Path.GetDirectoryName(sample.Image.Name)));
        }
    }

    [TestMethod]
    public void SaveLoad_RoundTripsClassesAndSeed()
    {
        using var temp = new TempFolder();
        var split = FewShotClassSplit.Create(EpisodeSamplerTests.Synthetic(classes: 12, perClass: 1).Classes, 6, 3, seed: 42);
        var path = Path.Combine(temp.Path, "m" + FewShotClassSplit.FileExtension);

        split.Save(path);
        var loaded = FewShotClassSplit.Load(path);

        CollectionAssert.AreEqual(split.BaseClasses.ToList(), loaded.BaseClasses.ToList());
        CollectionAssert.AreEqual(split.ValidationClasses.ToList(), loaded.ValidationClasses.ToList());
        CollectionAssert.AreEqual(split.NovelClasses.ToList(), loaded.NovelClasses.ToList());
        Assert.AreEqual(42UL, loaded.Seed);
    }

    [TestMethod]
    public void Load_NotASplit_SaysWhatIsWrong()
    {
        using var temp = new TempFolder();
        var path = temp.WriteLines("x.json", "{\"format\": \"camloss-fewshot-split\", \"base\": [\"a\", \"b\"], \"validation\": [], \"novel\": [\"b\"]}");
        var error = Assert.ThrowsExactly<InvalidDataException>(() => FewShotClassSplit.Load(path));
        Assert.Contains("is not a few-shot class split", error.Message);
        Assert.Contains("'b' is both a Base and a Novel class", error.Message);
        Assert.ThrowsExactly<InvalidDataException>(() => FewShotClassSplit.Load(temp.WriteLines("y.json", "[1, 2]")));
    }

    [TestMethod]
    public void Create_CountsLeavingNoNovelClass_Throw()
    {
        var classes = EpisodeSamplerTests.Synthetic(classes: 10, perClass: 1).Classes;
        var error = Assert.ThrowsExactly<ArgumentException>(() => FewShotClassSplit.Create(classes, 8, 2, seed: 1));
        Assert.Contains("leave no novel class", error.Message);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => FewShotClassSplit.Create(classes, 1, 2, seed: 1));
    }

    [TestMethod]
    public void Select_SplitOfOtherData_NamesTheMissingClass()
    {
        var split = new FewShotClassSplit(["class00", "class01"], [], ["elsewhere"]);
        var error = Assert.ThrowsExactly<ArgumentException>(() => split.Select(EpisodeSamplerTests.Synthetic(classes: 3, perClass: 1), FewShotClassPart.Novel));
        Assert.Contains("novel class 'elsewhere'", error.Message);
    }
}
