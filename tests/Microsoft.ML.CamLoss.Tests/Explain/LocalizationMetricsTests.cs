using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.ML.Transforms.Image;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Explain;

/// <summary>
/// The localisation metrics on hand-made maps and masks: mass on the object, the pointing game and the top-5 %
/// concentration, the boxes' mapping through ML.NET's resizes, and the aggregate. Expected values are worked out by hand
/// in each test; the tolerance 1e-6 is float32 rounding of the bilinear weights (all exact binary fractions here).
/// </summary>
[TestClass]
public sealed class LocalizationMetricsTests
{
    private const double Tolerance = 1e-6;

    /// <summary>An 8 × 8 image whose object is the central 4 × 4 square (rows and columns 2–5).</summary>
    private static ObjectMask CentralSquare() => ObjectMask.FromBox(8, 8, new BoundingBox(2, 2, 4, 4));

    [TestMethod]
    public void FromBox_CentralSquare_PixelsWhoseCentresLieInTheBox()
    {
        var mask = CentralSquare();

        Assert.AreEqual(16, mask.Area);
        Assert.IsTrue(mask[2, 2] && mask[5, 5] && mask[2, 5]);
        Assert.IsFalse(mask[1, 3] || mask[6, 3] || mask[3, 1] || mask[3, 6]);
    }

    [TestMethod]
    public void Score_MapAllInsideObject_AllMassInsideAndHit()
    {
        var values = new float[64];
        for (var i = 0; i < 64; i++)
        {
            values[i] = CentralSquare().Inside[i] ? 1 + (i % 3) : -2;   // negative values are not mass
        }

        var score = LocalizationMetrics.Score(new Heatmap(8, 8, values), CentralSquare());

        Assert.AreEqual(1.0, score.MassInside, Tolerance);
        Assert.IsTrue(score.PeakInside);
    }

    [TestMethod]
    public void Score_MapAllOutsideObject_NoMassInsideAndMiss()
    {
        var values = CentralSquare().Inside.ToArray().Select(inside => inside ? 0f : 1f).ToArray();
        values[0] = 3;

        var score = LocalizationMetrics.Score(new Heatmap(8, 8, values), CentralSquare());

        Assert.AreEqual(0.0, score.MassInside, Tolerance);
        Assert.IsFalse(score.PeakInside);
    }

    [TestMethod]
    public void Score_LowResolutionMap_UpsampledBilinearlyBeforeTheMass()
    {
        // A 4 × 4 map, 1 on its central 2 × 2 cells, 0 elsewhere, upsampled to 8 × 8 with align_corners = false: along
        // each axis output pixel i samples the source at i/2 − 1/4, which gives [0, ¼, ¾, 1, 1, ¾, ¼, 0]. The map is
        // separable, so the mass on rows/columns 2–5 is (¾ + 1 + 1 + ¾)² = 12.25 of (0 + ¼ + ¾ + 1 + 1 + ¾ + ¼ + 0)² = 16.
        var values = new float[16];
        values[5] = values[6] = values[9] = values[10] = 1;

        var score = LocalizationMetrics.Score(new Heatmap(4, 4, values), CentralSquare());

        Assert.AreEqual(12.25 / 16, score.MassInside, Tolerance);
        Assert.IsTrue(score.PeakInside);
    }

    [TestMethod]
    public void Score_PeakOutsideButMostMassInside_PointingGameMisses()
    {
        var values = CentralSquare().Inside.ToArray().Select(inside => inside ? 1f : 0f).ToArray();
        values[(7 * 8) + 7] = 5;   // one hot pixel in the corner: mass 16 inside, 5 outside

        var score = LocalizationMetrics.Score(new Heatmap(8, 8, values), CentralSquare());

        Assert.AreEqual(16.0 / 21, score.MassInside, Tolerance);
        Assert.IsFalse(score.PeakInside);
    }

    [TestMethod]
    public void Score_SingleHotCell_ConcentrationOne()
    {
        var values = Enumerable.Repeat(-1f, 49).ToArray();
        values[24] = 7;   // the centre of a 7 × 7 map, inside the 28 × 28 image's central square

        var score = LocalizationMetrics.Score(new Heatmap(7, 7, values), ObjectMask.FromBox(28, 28, new BoundingBox(8, 8, 12, 12)));

        Assert.AreEqual(1.0, score.TopConcentration, Tolerance);
        Assert.IsTrue(score.PeakInside);
    }

    [TestMethod]
    [DataRow(7, 7)]
    [DataRow(20, 20)]
    [DataRow(3, 5)]
    public void Score_UniformMap_ConcentrationFivePercentAndMassTheObjectsArea(int height, int width)
    {
        // A constant map stays constant under bilinear upsampling, so its mass on the object is the object's area share
        // (16 of 64 pixels); its top 5 % of cells hold 5 % of the mass at any resolution (the boundary cell by fraction).
        var score = LocalizationMetrics.Score(new Heatmap(height, width, Enumerable.Repeat(0.3f, height * width).ToArray()), CentralSquare());

        Assert.AreEqual(0.05, score.TopConcentration, Tolerance);
        Assert.AreEqual(0.25, score.MassInside, Tolerance);
    }

    [TestMethod]
    public void TopConcentration_TwentyCells_FractionOfTheTopCell()
    {
        // k = 0.05 · 20 = 1: exactly the largest cell, 10 of 10 + 19 · 1 = 29.
        var values = Enumerable.Repeat(1f, 20).ToArray();
        values[3] = 10;

        Assert.AreEqual(10.0 / 29, LocalizationMetrics.TopConcentration(values), Tolerance);
    }

    [TestMethod]
    public void Score_NoPositiveValue_MassAndConcentrationNaN()
    {
        var score = LocalizationMetrics.Score(new Heatmap(2, 2, [-1, -2, -3, 0]), CentralSquare());

        Assert.IsTrue(double.IsNaN(score.MassInside));
        Assert.IsTrue(double.IsNaN(score.TopConcentration));
    }

    [TestMethod]
    public void Score_NaNInMap_ThrowsNamingTheMap()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => LocalizationMetrics.Score(new Heatmap(1, 2, [1, float.NaN]), CentralSquare()));
        StringAssert.Contains(e.Message, "1×2 map has a NaN");
    }

    [TestMethod]
    public void FromForeground_GreyAndRgba_NonZeroPixelsAboveThreshold()
    {
        var grey = ObjectMask.FromForeground(2, 2, [0, 5, 0, 1]);
        CollectionAssert.AreEqual(new[] { false, true, false, true }, grey.Inside.ToArray());

        // RGBA: alpha 255 everywhere is ignored; threshold 4 drops the dim pixel.
        var rgba = ObjectMask.FromForeground(1, 2, [0, 0, 0, 255, 3, 9, 0, 255], channels: 4, threshold: 4);
        CollectionAssert.AreEqual(new[] { false, true }, rgba.Inside.ToArray());
    }

    [TestMethod]
    public void FromBox_IsoCropOfAWideImage_BoxMovesWithTheCentreCrop()
    {
        // 200 × 100 to 50 × 50 with IsoCrop: scale ½, then the centre 50 columns of the 100 are kept (shift −25).
        var centre = ObjectMask.FromBox(100, 200, new BoundingBox(50, 0, 100, 100), 50, 50, ImageResizingEstimator.ResizingKind.IsoCrop);
        var cropped = ObjectMask.FromBox(100, 200, new BoundingBox(0, 0, 50, 100), 50, 50, ImageResizingEstimator.ResizingKind.IsoCrop);
        var filled = ObjectMask.FromBox(100, 200, new BoundingBox(0, 0, 100, 50), 50, 50, ImageResizingEstimator.ResizingKind.Fill);
        var padded = ObjectMask.FromBox(100, 200, new BoundingBox(0, 0, 200, 100), 50, 50, ImageResizingEstimator.ResizingKind.IsoPad);

        Assert.AreEqual(2500, centre.Area);
        Assert.AreEqual(0, cropped.Area);
        Assert.AreEqual(25 * 25, filled.Area);                    // left half of the width, top half of the height
        Assert.AreEqual(50 * 25, padded.Area);                    // rows 12.5–37.5 of the padded square
    }

    [TestMethod]
    public void FromBox_NegativeSize_ThrowsNamingTheBox()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => ObjectMask.FromBox(4, 4, new BoundingBox(0, 0, -1, 2)));
        StringAssert.Contains(e.Message, "non-negative size");
    }

    [TestMethod]
    public void Summarize_MixedScores_MeansOverMapsWithMassAndHitRateOverAll()
    {
        var summary = LocalizationMetrics.Summarize(
        [
            new LocalizationScore(1.0, true, 0.5),
            new LocalizationScore(0.5, false, 0.1),
            new LocalizationScore(double.NaN, true, double.NaN),
            new LocalizationScore(0.0, false, 0.3),
        ]);

        Assert.AreEqual(4, summary.Count);
        Assert.AreEqual(0.5, summary.MassInside, Tolerance);
        Assert.AreEqual(0.5, summary.PointingGame, Tolerance);
        Assert.AreEqual(0.3, summary.TopConcentration, Tolerance);
        Assert.AreEqual(1, summary.MapsWithoutPositiveMass);
    }
}
