using System.Security.Cryptography;
using Microsoft.ML.CamLoss.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Data;

/// <summary>
/// Decoded pixels against PIL 9.4 (Fixtures/images.json from Reference/generate_image_fixtures.py).
/// OpenCV and PIL share Debian's libjpeg-turbo 2.1 with the same defaults (islow DCT, fancy
/// upsampling), so the bar is max |diff| ≤ 1 (the issue's), and in practice 0.
/// </summary>
[TestClass]
public sealed class DecodingParityTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow("rgb.jpg")]
    [DataRow("rgb_progressive.jpg")]
    [DataRow("grey.jpg")]
    [DataRow("exif_orientation3.jpg")]
    [DataRow("exif_orientation6.jpg")]
    [DataRow("exif_orientation8.jpg")]
    [DataRow("grey.png")]
    [DataRow("grey16.png")]
    [DataRow("rgba.png")]
    [DataRow("palette.png")]
    [DataRow("rgb.bmp")]
    [DataRow("rgb.webp")]
    public void DecodeRgb_FixtureImage_MatchesPil(string name)
    {
        var entry = JsonFixture.Open("images.json").Get("synthetic", name);
        var shape = entry.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        var expected = Convert.FromBase64String(entry.GetProperty("pixels").GetString()!);

        using var image = ImageDecoding.DecodeRgb(ImageSource.FromFile(FixtureImages.PathOf(name)));

        CollectionAssert.AreEqual(shape, image.Shape, $"{name}: shape [H, W, 3] (EXIF orientation applied)");
        Assert.AreEqual(0, MaxAbsDiff(expected, image.ToArray<byte>()), $"{name}: max |OpenCV − PIL|");
    }

    [TestMethod]
    public void DecodeRgb_RealJpegSample_WithinOneOfPil()
    {
        var real = JsonFixture.Open("images.json").Get("real").EnumerateObject().ToArray();
        Assert.IsTrue(real.Length > 0, "the fixture holds no real images (it was generated without ../shared/data)");
        var root = SharedData.Require(".");
        var worst = 0;
        var identical = 0;
        foreach (var item in real)
        {
            var shape = item.Value.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            var stride = item.Value.GetProperty("stride").GetInt32();
            var expected = Convert.FromBase64String(item.Value.GetProperty("subsample").GetString()!);

            using var image = ImageDecoding.DecodeRgb(ImageSource.FromFile(Path.Combine(root, item.Name)));
            var pixels = image.ToArray<byte>();

            CollectionAssert.AreEqual(shape.Select(s => (long)s).ToArray(), image.Shape, item.Name);
            var subsample = Subsample(pixels, shape[0], shape[1], stride);
            var diff = MaxAbsDiff(expected, subsample);
            Assert.IsTrue(diff <= 1, $"{item.Name}: max |OpenCV − PIL| = {diff} on every {stride}th row and column");
            worst = Math.Max(worst, diff);
            identical += Convert.ToHexStringLower(SHA256.HashData(pixels)) == item.Value.GetProperty("sha256").GetString() ? 1 : 0;
        }

        TestContext.WriteLine($"{real.Length} real JPEGs: max |OpenCV − PIL| = {worst}; {identical} bit-identical (SHA-256 of all pixels)");
    }

    private static byte[] Subsample(byte[] hwc, int height, int width, int stride)
    {
        var result = new List<byte>();
        for (var y = 0; y < height; y += stride)
        {
            for (var x = 0; x < width; x += stride)
            {
                result.AddRange(hwc.AsSpan(((y * width) + x) * 3, 3).ToArray());
            }
        }

        return [.. result];
    }

    private static int MaxAbsDiff(byte[] expected, byte[] actual)
    {
        Assert.AreEqual(expected.Length, actual.Length, "pixel count");
        var worst = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        }

        return worst;
    }
}
