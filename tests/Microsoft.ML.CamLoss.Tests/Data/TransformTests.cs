using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Data;

/// <summary>Transform and pipeline properties: seeding, scoring variants, batch = per-image, Mixup/CutMix labels.</summary>
[TestClass]
public sealed class TransformTests
{
    private static Tensor Images(int batch, int size = 12)
    {
        TorchRuntime.ManualSeed(3);
        using var f = Tensor.Rand([batch, 3, size, size]) * 255;
        using var r = f.Round();
        return r.To(ScalarType.UInt8);
    }

    private static SeededRandom[] Streams(int n, ulong seed) => [.. Enumerable.Range(0, n).Select(i => SeededRandom.Derive(seed, 0, (ulong)i))];

    [TestMethod]
    public void SampleWindow_Properties_AreaAndRatioInRangeOrCentralFallback()
    {
        var transform = new RandomResizedCropTransform(8, 8, minScale: 0.2, maxScale: 0.9);
        var random = new SeededRandom(1);
        for (var i = 0; i < 2000; i++)
        {
            var (top, left, h, w) = transform.SampleWindow(40, 60, random);
            Assert.IsTrue(top >= 0 && left >= 0 && top + h <= 40 && left + w <= 60);
            var area = (double)h * w / (40 * 60);
            Assert.IsTrue(area is > 0.15 and < 0.95, $"area fraction {area}");
            Assert.IsTrue(w / (double)h is > 0.7 and < 1.4, $"ratio {w}/{h}");
        }

        // A 100×4 image cannot hold any window of ratio ≥ 3/4 and area ≥ 0.08·400 in ten tries… fallback: width 4, height round(4 / (3/4)) = 5, centred.
        Assert.AreEqual((47, 0, 5, 4), new RandomResizedCropTransform(8, 8, minScale: 0.9).SampleWindow(100, 4, new SeededRandom(2)));
    }

    [TestMethod]
    public void ForScoring_RandomOpsReplacedAndAugmentationDropped()
    {
        var pipeline = new ImagePipeline().RandomResizedCrop(224).HorizontalFlip().NormalizeImageNet().Cutout(16).CutMix();
        var scoring = pipeline.ForScoring();

        Assert.AreEqual("Resize → CenterCrop → Normalize", scoring.ToString());
        Assert.IsNull(scoring.BatchTransform);
        Assert.IsTrue(scoring.IsScoring);
        Assert.AreEqual(256, ((ResizeTransform)scoring.Transforms[0]).ShorterSide);
        Assert.AreSame(pipeline, pipeline.ForTraining());
        Assert.AreEqual("CenterCrop", new ImagePipeline().RandomCrop(32, 4).ForScoring().ToString());
    }

    [TestMethod]
    public void Apply_SameStream_SameOutput_DifferentStream_Different()
    {
        using var scope = new TensorScope();
        var pipeline = new ImagePipeline().RandomResizedCrop(8).HorizontalFlip().Normalize([0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]).Cutout(3);
        var image = Images(1).Select(0, 0);

        var a = pipeline.Apply(image, new SeededRandom(7));
        var b = pipeline.Apply(image, new SeededRandom(7));
        var c = pipeline.Apply(image, new SeededRandom(8));

        Assert.AreEqual(ScalarType.Float32, a.DType);
        CollectionAssert.AreEqual(new long[] { 3, 8, 8 }, a.Shape);
        Assert.IsTrue(a.AllClose(b, 0, 0));
        Assert.IsFalse(a.AllClose(c, 0, 0));
    }

    [TestMethod]
    public void ApplyBatch_EqualsPerImageApply()
    {
        using var scope = new TensorScope();
        var pipeline = new ImagePipeline().RandomCrop(12, padding: 2).HorizontalFlip().RandomResizedCrop(10).NormalizeImageNet().Cutout(4, holes: 2);
        var images = Images(6);
        var streams = Streams(6, 11);
        var replay = Streams(6, 11);

        var batch = pipeline.ApplyBatch(images, streams);
        var single = Tensor.Stack([.. Enumerable.Range(0, 6).Select(b => pipeline.Apply(images.Select(0, b), replay[b]))]);

        TensorAssert.Close(single, batch, 0, 0, "batch path vs per-image path");
    }

    [TestMethod]
    public void Apply_NoTransforms_ScalesToUnitInterval()
    {
        using var scope = new TensorScope();
        var image = Images(1).Select(0, 0);
        var output = new ImagePipeline().Apply(image, new SeededRandom(0));
        TensorAssert.Close(image.To(ScalarType.Float32) / 255.0, output, 0, 1e-7, "÷ 255");
    }

    [TestMethod]
    public void Mixup_MixesWithPermutedPartnersAndEmitsLambda()
    {
        using var scope = new TensorScope();
        var images = ImageFunctional.ToFloat(Images(5));
        var labels = Tensor.FromArray(0L, 1, 2, 3, 4);

        var mixed = new MixupTransform(alpha: 0.4).Apply(images, labels, new SeededRandom(4), out var partnerLabels, out var lambda);

        var r = new SeededRandom(4);
        _ = r.NextBool(1.0);
        Assert.AreEqual(r.NextBeta(0.4, 0.4), lambda, "λ ~ Beta(α, α), drawn after the probability check");
        CollectionAssert.AreEquivalent(new long[] { 0, 1, 2, 3, 4 }, partnerLabels.ToArray<long>(), "the partners are a permutation");
        var partners = images.IndexSelect(0, partnerLabels);
        TensorAssert.Close((images * lambda) + (partners * (1 - lambda)), mixed, 0, 1e-6, "λ·x + (1 − λ)·x[π]");
        var targets = new Microsoft.ML.CamLoss.Losses.MixedLabels(labels, partnerLabels, lambda);
        Assert.AreEqual(5, targets.BatchSize);
    }

    [TestMethod]
    public void CutMix_PastesBoxFromPartnerAndLambdaIsKeptArea()
    {
        using var scope = new TensorScope();
        var images = ImageFunctional.ToFloat(Images(4, size: 20));
        var labels = Tensor.FromArray(0L, 1, 2, 3);

        var mixed = new CutMixTransform().Apply(images, labels, new SeededRandom(9), out var partnerLabels, out var lambda);

        var partner = partnerLabels.ToArray<long>();
        Assert.IsTrue(lambda is > 0 and < 1, $"λ = {lambda}");
        for (var b = 0; b < 4; b++)
        {
            var own = (mixed.Select(0, b) - images.Select(0, b)).Abs().Sum([0]).Eq(0).To(ScalarType.Float32).Sum().ToDouble();
            if (partner[b] != b)
            {
                var pasted = (mixed.Select(0, b) - images.Select(0, (int)partner[b])).Abs().Sum([0]).Eq(0).To(ScalarType.Float32).Sum().ToDouble();
                Assert.AreEqual(400, own + pasted, $"image {b}: every pixel is its own or its partner's");
                Assert.AreEqual(lambda, own / 400, 1e-12, $"image {b}: λ = 1 − box area / (H·W)");
            }
        }
    }

    [TestMethod]
    public void Mixup_NotApplied_LambdaOneAndImagesUnchanged()
    {
        using var scope = new TensorScope();
        var images = ImageFunctional.ToFloat(Images(3));
        var labels = Tensor.FromArray(0L, 1, 2);
        var output = new MixupTransform(probability: 0).Apply(images, labels, new SeededRandom(1), out var partnerLabels, out var lambda);
        TensorAssert.Close(images, output, 0, 0, "unchanged");
        CollectionAssert.AreEqual(new long[] { 0, 1, 2 }, partnerLabels.ToArray<long>());
        Assert.AreEqual(1.0, lambda);
    }
}
