using Microsoft.ML.CamLoss.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Data;

/// <summary>Transform and pipeline properties: seeding, scoring variants, batch = per-image, Mixup/CutMix labels.</summary>
[TestClass]
public sealed class TransformTests
{
    private static Tensor Images(int batch, int size = 12)
    {
        manual_seed(3);
        using var u = rand([batch, 3, size, size]);
        using var f = u * 255;
        using var r = f.round();
        return r.to(ScalarType.Byte);
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
        using var scope = NewDisposeScope();
        var pipeline = new ImagePipeline().RandomResizedCrop(8).HorizontalFlip().Normalize([0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]).Cutout(3);
        var image = Images(1).select(0, 0);

        var a = pipeline.Apply(image, new SeededRandom(7));
        var b = pipeline.Apply(image, new SeededRandom(7));
        var c = pipeline.Apply(image, new SeededRandom(8));

        Assert.AreEqual(ScalarType.Float32, a.dtype);
        CollectionAssert.AreEqual(new long[] { 3, 8, 8 }, a.shape);
        Assert.IsTrue(a.allclose(b, 0, 0));
        Assert.IsFalse(a.allclose(c, 0, 0));
    }

    [TestMethod]
    public void ApplyBatch_EqualsPerImageApply()
    {
        using var scope = NewDisposeScope();
        var pipeline = new ImagePipeline().RandomCrop(12, padding: 2).HorizontalFlip().RandomResizedCrop(10).NormalizeImageNet().Cutout(4, holes: 2);
        var images = Images(6);
        var streams = Streams(6, 11);
        var replay = Streams(6, 11);

        var batch = pipeline.ApplyBatch(images, streams);
        var single = stack([.. Enumerable.Range(0, 6).Select(b => pipeline.Apply(images.select(0, b), replay[b]))]);

        TensorAssert.Close(single, batch, 0, 0, "batch path vs per-image path");
    }

    [TestMethod]
    public void Apply_NoTransforms_ScalesToUnitInterval()
    {
        using var scope = NewDisposeScope();
        var image = Images(1).select(0, 0);
        var output = new ImagePipeline().Apply(image, new SeededRandom(0));
        TensorAssert.Close(image.to(ScalarType.Float32) / 255.0, output, 0, 1e-7, "÷ 255");
    }

    [TestMethod]
    public void Mixup_MixesWithPermutedPartnersAndEmitsLambda()
    {
        using var scope = NewDisposeScope();
        var images = ImageFunctional.ToFloat(Images(5));
        var labels = tensor(new long[] { 0, 1, 2, 3, 4 });

        var mixed = new MixupTransform(alpha: 0.4).Apply(images, labels, new SeededRandom(4), out var partnerLabels, out var lambda);

        var r = new SeededRandom(4);
        _ = r.NextBool(1.0);
        Assert.AreEqual(r.NextBeta(0.4, 0.4), lambda, "λ ~ Beta(α, α), drawn after the probability check");
        CollectionAssert.AreEquivalent(new long[] { 0, 1, 2, 3, 4 }, partnerLabels.data<long>().ToArray(), "the partners are a permutation");
        var partners = images.index_select(0, partnerLabels);
        TensorAssert.Close((images * lambda) + (partners * (1 - lambda)), mixed, 0, 1e-6, "λ·x + (1 − λ)·x[π]");
        var targets = new Microsoft.ML.CamLoss.Losses.MixedLabels(labels, partnerLabels, lambda);
        Assert.AreEqual(5, targets.BatchSize);
    }

    [TestMethod]
    public void CutMix_PastesBoxFromPartnerAndLambdaIsKeptArea()
    {
        using var scope = NewDisposeScope();
        var images = ImageFunctional.ToFloat(Images(4, size: 20));
        var labels = tensor(new long[] { 0, 1, 2, 3 });

        var mixed = new CutMixTransform().Apply(images, labels, new SeededRandom(9), out var partnerLabels, out var lambda);

        var partner = partnerLabels.data<long>().ToArray();
        Assert.IsTrue(lambda is > 0 and < 1, $"λ = {lambda}");
        for (var b = 0; b < 4; b++)
        {
            var own = (double)(mixed.select(0, b) - images.select(0, b)).abs().sum(new long[] { 0 }).eq(0).to(ScalarType.Float32).sum().item<float>();
            if (partner[b] != b)
            {
                var pasted = (double)(mixed.select(0, b) - images.select(0, partner[b])).abs().sum(new long[] { 0 }).eq(0).to(ScalarType.Float32).sum().item<float>();
                Assert.AreEqual(400.0, own + pasted, $"image {b}: every pixel is its own or its partner's");
                Assert.AreEqual(lambda, own / 400, 1e-12, $"image {b}: λ = 1 − box area / (H·W)");
            }
        }
    }

    [TestMethod]
    public void Mixup_NotApplied_LambdaOneAndImagesUnchanged()
    {
        using var scope = NewDisposeScope();
        var images = ImageFunctional.ToFloat(Images(3));
        var labels = tensor(new long[] { 0, 1, 2 });
        var output = new MixupTransform(probability: 0).Apply(images, labels, new SeededRandom(1), out var partnerLabels, out var lambda);
        TensorAssert.Close(images, output, 0, 0, "unchanged");
        CollectionAssert.AreEqual(new long[] { 0, 1, 2 }, partnerLabels.data<long>().ToArray());
        Assert.AreEqual(1.0, lambda);
    }
}
