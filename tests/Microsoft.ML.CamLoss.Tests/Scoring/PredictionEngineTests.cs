using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace Microsoft.ML.CamLoss.Tests.Scoring;

/// <summary>
/// One prediction engine shared by many threads (TorchSharp's dispose scopes and grad mode are per
/// thread), on a small untrained network and pictures the test makes itself.
/// </summary>
[TestClass]
public sealed class PredictionEngineTests
{
    private const int ImageCount = 12;

    [TestMethod]
    public void Predict_OneEngineManyThreads_SameAnswersAsOneThreadAndNothingLeaks()
    {
        using var model = SmallModel();
        var engine = model.CreatePredictionEngine(new ScoringOptions { IncludeCam = true, IncludeCaam = true, Resolution = MapResolution.Input });
        var images = Pictures(ImageCount, size: 32);
        var expected = images.Select((png, i) => engine.Predict(png, $"picture{i}.png")).ToArray();

        // Finalise what earlier tests left to the GC first: a finaliser running during the calls below would lower the count.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var live = torch.Tensor.TotalCount;
        var actual = new ImagePrediction[4, ImageCount];
        var gradEnabledOnWorkers = new bool[4 * ImageCount];
        Parallel.For(0, 4 * ImageCount, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            var (round, i) = Math.DivRem(k, ImageCount);
            actual[round, i] = engine.Predict(images[i], $"picture{i}.png");
            gradEnabledOnWorkers[k] = torch.is_grad_enabled();
        });

        Assert.AreEqual(live, torch.Tensor.TotalCount, "every call released its tensors, whichever thread made them");
        Assert.IsTrue(torch.is_grad_enabled(), "scoring's no_grad ends with each call and never reaches the caller's thread");
        Assert.IsTrue(gradEnabledOnWorkers.All(enabled => enabled), "nor the worker threads after their calls");
        for (var round = 0; round < 4; round++)
        {
            for (var i = 0; i < ImageCount; i++)
            {
                // libtorch may split a convolution's work differently on another thread, changing float rounding
                // (~1e-7 relative): compare to 1e-5, far below any difference a shared or corrupted buffer would make.
                var (e, a) = (expected[i], actual[round, i]);
                Assert.AreEqual(e.Source, a.Source);
                for (var c = 0; c < e.Score.Length; c++)
                {
                    Assert.AreEqual(e.Score[c], a.Score[c], 1e-5, $"round {round}, {e.Source}: probability of class {c}");
                }

                AssertClose(e.Cam!, a.Cam!, $"round {round}, {e.Source}: CAM");
                AssertClose(e.Caam!, a.Caam!, $"round {round}, {e.Source}: CAAM");
            }
        }
    }

    [TestMethod]
    public void Predict_ListOfImagesOfOneSize_MatchesOneByOne()
    {
        using var model = SmallModel();
        var engine = model.CreatePredictionEngine();
        var sources = Pictures(4, size: 32).Select((png, i) => ImageSource.FromBytes(png, $"picture{i}.png")).ToList();
        var together = engine.Predict(sources);
        Assert.HasCount(4, together);
        for (var i = 0; i < sources.Count; i++)
        {
            var alone = engine.Predict(sources[i]);
            Assert.AreEqual(alone.Source, together[i].Source);

            // One forward pass of 4 images or 4 of one: convolution kernels differ with the batch size (float rounding).
            for (var c = 0; c < alone.Score.Length; c++)
            {
                Assert.AreEqual(alone.Score[c], together[i].Score[c], 1e-5, $"{alone.Source}: class {c}");
            }
        }
    }

    [TestMethod]
    public void Predict_ImagesOfTwoSizesTogether_ThrowsNamingBothImages()
    {
        using var model = SmallModel(resize: false);
        var engine = model.CreatePredictionEngine();
        var small = ImageSource.FromBytes(Pictures(1, size: 24)[0], "small.png");
        var large = ImageSource.FromBytes(Pictures(1, size: 32)[0], "large.png");
        var error = Assert.ThrowsExactly<ArgumentException>(() => engine.Predict([large, small]));
        StringAssert.Contains(error.Message, "large.png is [3, 32, 32]");
        StringAssert.Contains(error.Message, "small.png is [3, 24, 24]");
        StringAssert.Contains(error.Message, "Add a resize or crop");
    }

    /// <summary>An untrained ResNet-8 for 3 classes (seeded), scoring 32×32 ImageNet-normalised pictures.</summary>
    private static ImageClassificationModel SmallModel(bool resize = true)
    {
        torch.manual_seed(7);
        var preprocessing = resize ? new ImagePipeline().Resize(32, 32).NormalizeImageNet() : new ImagePipeline().NormalizeImageNet();
        var network = Backbones.Create(Architecture.ResNet8, 3);
        return new ImageClassificationModel(network, Architecture.ResNet8, ["cat", "dog", "owl"], preprocessing, [3, 32, 32], "Test", [], null);
    }

    /// <summary><paramref name="count"/> seeded random RGB pictures, PNG-encoded.</summary>
    private static byte[][] Pictures(int count, int size)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(seed: 11);
        return [.. Enumerable.Range(0, count).Select(_ => ImageFiles.EncodePng(torch.randint(0, 256, new long[] { size, size, 3 }, torch.uint8, generator: generator)))];
    }

    private static void AssertClose(Heatmap expected, Heatmap actual, string what)
    {
        Assert.AreEqual(expected.Height, actual.Height, $"{what}: height");
        Assert.AreEqual(expected.Width, actual.Width, $"{what}: width");
        var scale = Math.Max(1e-6, Math.Max(Math.Abs(expected.Min), Math.Abs(expected.Max)));
        var e = expected.Values.ToArray();
        var a = actual.Values.ToArray();
        for (var i = 0; i < e.Length; i++)
        {
            Assert.AreEqual(e[i], a[i], 1e-5 * scale, $"{what}: value {i}");
        }
    }
}
