using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.FewShot;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.FewShot;

[TestClass]
public sealed class EpisodeSamplerTests
{
    [TestMethod]
    public void Sample_SameSeed_SameEpisodes_OtherSeed_OtherEpisodes()
    {
        var data = Synthetic(classes: 12, perClass: 25);

        var first = EpisodeSampler.Sample(data, 5, 5, 15, 50, seed: 7);
        var again = EpisodeSampler.Sample(data, 5, 5, 15, 50, seed: 7);
        var other = EpisodeSampler.Sample(data, 5, 5, 15, 50, seed: 8);

        Assert.IsTrue(first.Zip(again).All(p => Same(p.First, p.Second)), "the same seed draws the same episodes");
        Assert.IsTrue(first.Zip(other).Count(p => Same(p.First, p.Second)) <= 1, "another seed draws other episodes");
    }

    [TestMethod]
    public void Sample_EpisodeDependsOnlyOnSeedAndNumber()
    {
        var data = Synthetic(classes: 12, perClass: 25);
        var many = EpisodeSampler.Sample(data, 5, 1, 15, 30, seed: 3);
        var few = EpisodeSampler.Sample(data, 5, 1, 15, 10, seed: 3);
        Assert.IsTrue(few.Zip(many).All(p => Same(p.First, p.Second)), "drawing more episodes does not change the first ones");

        var fiveShot = EpisodeSampler.Sample(data, 5, 5, 15, 30, seed: 3);
        Assert.IsTrue(many.Zip(fiveShot).All(p => p.First.Classes.SequenceEqual(p.Second.Classes)), "1-shot and 5-shot episode e share their classes");
    }

    [TestMethod]
    public void Sample_EveryEpisode_HasDistinctClassesAndImagesOfTheRightClass()
    {
        var data = Synthetic(classes: 8, perClass: 21);
        foreach (var episode in EpisodeSampler.Sample(data, 5, 5, 15, 200, seed: 1))
        {
            Assert.AreEqual(5, episode.Classes.Distinct().Count());
            Assert.HasCount(25, episode.Support);
            Assert.HasCount(75, episode.Query);
            Assert.AreEqual(100, episode.Support.Concat(episode.Query).Distinct().Count(), "support and query images are all different");
            for (var i = 0; i < 5; i++)
            {
                Assert.IsTrue(episode.Support.Skip(i * 5).Take(5).All(s => data[s].Label == episode.Classes[i]), "support is class-major");
                Assert.IsTrue(episode.Query.Skip(i * 15).Take(15).All(q => data[q].Label == episode.Classes[i]), "queries are class-major");
            }
        }
    }

    [TestMethod]
    public void Sample_NovelPartOfASplit_NeverDrawsABaseOrValidationImage()
    {
        var data = Synthetic(classes: 20, perClass: 20);
        var split = FewShotClassSplit.Create(data.Classes, baseCount: 10, validationCount: 5, seed: 11);
        var novel = split.Select(data, FewShotClassPart.Novel);
        var seen = new HashSet<string>();

        foreach (var episode in EpisodeSampler.Sample(novel, 5, 1, 15, 600, seed: 2))
        {
            foreach (var image in episode.Support.Concat(episode.Query))
            {
                var name = novel.Classes[novel[image].Label];
                Assert.AreEqual(name, Path.GetFileName(Path.GetDirectoryName(novel[image].Image.Name)), "relabelled images keep their own class");
                seen.Add(name);
            }
        }

        CollectionAssert.AreEquivalent(split.NovelClasses.ToList(), seen.ToList(), "every novel class appears, and nothing else");
        Assert.IsFalse(seen.Overlaps(split.BaseClasses));
        Assert.IsFalse(seen.Overlaps(split.ValidationClasses));
    }

    [TestMethod]
    public void Sample_FewerClassesThanWay_OneClearError()
    {
        var data = Synthetic(classes: 4, perClass: 30);
        var error = Assert.ThrowsExactly<ArgumentException>(() => EpisodeSampler.Sample(data, 5, 1, 15, 10, seed: 1));
        Assert.Contains("5-way 1-shot episodes with 15 queries need at least 5 classes", error.Message);
        Assert.Contains("has 4", error.Message);
        Assert.Contains("class00", error.Message);
    }

    [TestMethod]
    public void Sample_ClassWithFewerThanShotPlusQueryImages_ErrorNamesTheClassAndCounts()
    {
        var data = Synthetic(classes: 6, perClass: 20, shortClass: 3, shortCount: 17);
        var error = Assert.ThrowsExactly<ArgumentException>(() => EpisodeSampler.Sample(data, 5, 5, 15, 10, seed: 1));
        Assert.Contains("need 20 images in every class (5 support + 15 query)", error.Message);
        Assert.Contains("class 'class03' has 17", error.Message);
        Assert.DoesNotContain("class02", error.Message, "only the classes that are short are named");

        EpisodeSampler.Sample(data, 5, 1, 15, 10, seed: 1); // 16 images are enough for 1-shot
    }

    private static bool Same(FewShotEpisode a, FewShotEpisode b) =>
        a.Classes.SequenceEqual(b.Classes) && a.Support.SequenceEqual(b.Support) && a.Query.SequenceEqual(b.Query);

    /// <summary>A data set of <paramref name="classes"/> classes named classNN whose images live in folders of that name (never read).</summary>
    internal static ImageDataset Synthetic(int classes, int perClass, int shortClass = -1, int shortCount = 0)
    {
        var names = Enumerable.Range(0, classes).Select(c => $"class{c:D2}").ToArray();
        var samples = names.SelectMany((name, c) => Enumerable.Range(0, c == shortClass ? shortCount : perClass)
            .Select(i => new ImageSample(ImageSource.FromBytes(Array.Empty<byte>(), $"/data/{name}/{i}.jpg"), c)));
        return new ImageDataset(samples, new ClassNames(names), "synthetic");
    }
}
