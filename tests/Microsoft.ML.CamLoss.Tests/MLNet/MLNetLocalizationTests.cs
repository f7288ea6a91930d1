using Microsoft.ML.CamLoss.Explain;
using Microsoft.ML.CamLoss.MLNet;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.MLNet;

/// <summary>
/// <c>EvaluateLocalization</c> on a hand-made scored data view (an <c>MLImage</c> column, a 2 × 2 <c>Cam</c> column and
/// optionally the box columns, as the loaders and a model with <c>Maps = OnnxMaps.Cam</c> give them): the foreground of the
/// image or the box is the object, and the aggregate equals the per-map scores worked out by hand.
/// </summary>
[TestClass]
public sealed class MLNetLocalizationTests
{
    private const double Tolerance = 1e-6;

    [TestMethod]
    public void EvaluateLocalization_ForegroundOfTheImage_MeansAndHitRate()
    {
        var ml = new MLContext(seed: 1);
        // 4 × 4 images whose left half is the object; 2 × 2 maps upsampled to 4 × 4 (each row of a map [1, 0] becomes
        // [1, ¾, ¼, 0]). Map A, left cells: mass 1.75 of 2 on the left (hit); map B, uniform: mass ½ (the peak is the first
        // pixel, on the left: hit); map C, right cells: mass 0.25 of 2 (miss).
        var scored = Scored(ml, withBoxes: false, [1, 0, 1, 0], [1, 1, 1, 1], [0, 1, 0, 1]);

        var summary = ml.MulticlassClassification.EvaluateLocalization(scored);

        Assert.AreEqual(3, summary.Count);
        Assert.AreEqual((0.875 + 0.5 + 0.125) / 3, summary.MassInside, Tolerance);
        Assert.AreEqual(2.0 / 3, summary.PointingGame, Tolerance);
    }

    [TestMethod]
    public void EvaluateLocalization_BoxColumns_BoxIsTheObjectAndNaNRowsSkipped()
    {
        var ml = new MLContext(seed: 1);
        // Boxes: the right half (columns 2–3) for rows 0 and 1, none (NaN) for row 2. Map A, left cells: mass 0.125 on the
        // box (miss); map B, right cells: mass 0.875 (hit).
        var scored = Scored(ml, withBoxes: true, [1, 0, 1, 0], [0, 1, 0, 1], [1, 1, 1, 1]);

        var summary = ml.MulticlassClassification.EvaluateLocalization(scored, new LocalizationEvaluationOptions { InputSize = (4, 4), Resizing = ImageResizingEstimator.ResizingKind.Fill });

        Assert.AreEqual(2, summary.Count);
        Assert.AreEqual(0.5, summary.MassInside, Tolerance);
        Assert.AreEqual(0.5, summary.PointingGame, Tolerance);
    }

    [TestMethod]
    public void EvaluateLocalization_NoCamColumn_ThrowsNamingTheMapsOption()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new { Label = "a" } });

        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.MulticlassClassification.EvaluateLocalization(data));
        StringAssert.Contains(e.Message, "Maps = OnnxMaps.Cam");
    }

    [TestMethod]
    [DataRow(ImageResizingEstimator.ResizingKind.IsoCrop)]
    [DataRow(ImageResizingEstimator.ResizingKind.IsoPad)]
    [DataRow(ImageResizingEstimator.ResizingKind.Fill)]
    public void FromBox_MappedLikeMLNetsResizeImages_MaskMatchesTheResizedBox(ImageResizingEstimator.ResizingKind resizing)
    {
        // A 200 × 100 black image with a white box, resized to 50 × 50 by ML.NET's own ResizeImages (centre anchor): the
        // box's bright pixels in the resized image are exactly ObjectMask.FromBox's mask (the box's edges land on whole
        // pixels in all three resizings, so no interpolated edge pixel is in doubt).
        var ml = new MLContext(seed: 1);
        var box = new CamLoss.Data.BoundingBox(120, 20, 40, 40);
        var pixels = new byte[200 * 100 * 4];
        for (var y = 0; y < 100; y++)
        {
            for (var x = 0; x < 200; x++)
            {
                var level = (byte)(x >= 120 && x < 160 && y >= 20 && y < 60 ? 255 : 0);
                var at = ((y * 200) + x) * 4;
                pixels[at] = pixels[at + 1] = pixels[at + 2] = level;
                pixels[at + 3] = 255;
            }
        }

        MLImageType.Register();
        var data = ml.Data.LoadFromEnumerable(new[] { new ImageRow { Image = MLImage.CreateFromPixels(200, 100, MLPixelFormat.Rgba32, pixels) } });
        var resized = ml.Transforms.ResizeImages("Resized", 50, 50, "Image", resizing).Fit(data).Transform(data);
        using var cursor = resized.GetRowCursor([resized.Schema["Resized"]]);
        var get = cursor.GetGetter<MLImage>(resized.Schema["Resized"]);
        MLImage image = null!;
        Assert.IsTrue(cursor.MoveNext());
        get(ref image);
        var bright = ObjectMask.FromForeground(image.Height, image.Width, image.Pixels, image.BitsPerPixel / 8, threshold: 127);

        var mask = ObjectMask.FromBox(100, 200, box, 50, 50, resizing);

        Assert.IsTrue(mask.Area > 0);
        CollectionAssert.AreEqual(bright.Inside.ToArray(), mask.Inside.ToArray(), $"{resizing}: resized box {bright.Area} pixels, mask {mask.Area}");
    }

    private sealed class ImageRow
    {
        [ImageType(100, 200)]
        public MLImage? Image { get; set; }
    }

    private static IDataView Scored(MLContext ml, bool withBoxes, params float[][] cams)
    {
        MLImageType.Register();
        new ImageTypeAttribute(4, 4).Register();
        var rows = cams.Select((cam, i) => new Row
        {
            Image = Image(),
            Cam = cam,
            BoxX = withBoxes && i < 2 ? 2 : float.NaN,
            BoxY = 0,
            BoxWidth = 2,
            BoxHeight = 4,
        }).ToList();
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Image)].ColumnType = new ImageDataViewType(4, 4);
        definition[nameof(Row.Cam)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 2, 2);
        var view = ml.Data.LoadFromEnumerable(rows, definition);
        return withBoxes ? view : ml.Transforms.DropColumns("BoxX", "BoxY", "BoxWidth", "BoxHeight").Fit(view).Transform(view);
    }

    /// <summary>A 4 × 4 RGBA image, grey 200 on its left two columns, black on the right.</summary>
    private static MLImage Image()
    {
        var pixels = new byte[4 * 4 * 4];
        for (var p = 0; p < 16; p++)
        {
            var level = (byte)(p % 4 < 2 ? 200 : 0);
            pixels[(4 * p) + 0] = pixels[(4 * p) + 1] = pixels[(4 * p) + 2] = level;
            pixels[(4 * p) + 3] = 255;
        }

        return MLImage.CreateFromPixels(4, 4, MLPixelFormat.Rgba32, pixels);
    }

    private sealed class Row
    {
        public MLImage? Image { get; set; }

        public float[] Cam { get; set; } = [];

        public float BoxX { get; set; }

        public float BoxY { get; set; }

        public float BoxWidth { get; set; }

        public float BoxHeight { get; set; }
    }
}
