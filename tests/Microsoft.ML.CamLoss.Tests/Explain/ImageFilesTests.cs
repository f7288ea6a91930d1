using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Explain;

/// <summary>
/// PNG and JPEG encoding with SkiaSharp (<see cref="ImageFiles"/>). The decoder is checked against PIL
/// elsewhere (DecodingParityTests), so a bit-exact PNG round trip through it also proves the encoder's
/// channel order (an RGB/BGR mix-up would come back with red and blue swapped).
/// </summary>
[TestClass]
public sealed class ImageFilesTests
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void EncodePng_RandomRgbHwc_DecodesToTheSamePixels()
    {
        using var scope = torch.NewDisposeScope();
        var image = RandomImage(23, 31, 3, seed: 1);

        var png = ImageFiles.EncodePng(image);

        CollectionAssert.AreEqual(PngSignature, png[..8], "PNG signature");
        Assert.AreEqual(8, png[24], "bit depth 8 in the IHDR chunk");
        Assert.AreEqual(2, png[25], "PNG colour type 2 (RGB, no alpha) in the IHDR chunk");
        TensorAssert.Equal(image, ImageDecoding.DecodeRgb(png, "random.png"), "decoded PNG");
    }

    [TestMethod]
    [DataRow(new long[] { 17, 9 })]
    [DataRow(new long[] { 17, 9, 1 })]
    [DataRow(new long[] { 1, 17, 9 })]
    public void EncodePng_Grey_DecodesToThatGreyInEveryChannel(long[] shape)
    {
        using var scope = torch.NewDisposeScope();
        var grey = RandomImage(17, 9, 1, seed: 2);

        var png = ImageFiles.EncodePng(grey.reshape(shape));

        Assert.AreEqual(0, png[25], "PNG colour type 0 (greyscale) in the IHDR chunk");
        TensorAssert.Equal(grey.unsqueeze(2).expand(17, 9, 3), ImageDecoding.DecodeRgb(png, "grey.png"), "decoded grey PNG");
    }

    [TestMethod]
    public void EncodePng_ChannelsFirst_SameBytesAsChannelsLast()
    {
        using var scope = torch.NewDisposeScope();
        var hwc = RandomImage(12, 20, 3, seed: 3);
        var chw = hwc.permute(2, 0, 1).contiguous();

        CollectionAssert.AreEqual(ImageFiles.EncodePng(hwc), ImageFiles.EncodePng(chw));
    }

    [TestMethod]
    public void EncodePng_NonContiguousView_EncodesTheViewedPixels()
    {
        using var scope = torch.NewDisposeScope();
        var wide = RandomImage(10, 40, 3, seed: 4);
        var crop = wide.slice(1, 5, 35, 2);

        TensorAssert.Equal(crop.contiguous(), ImageDecoding.DecodeRgb(ImageFiles.EncodePng(crop), "crop.png"), "decoded crop");
    }

    /// <summary>
    /// JPEG is lossy. On this smooth test picture (ramps and a soft disc, like a photo's large
    /// areas), libjpeg-turbo 2.1 at quality 95 with 4:2:0 subsampling (OpenCV's in v1, SkiaSharp's now) measured a mean
    /// |error| of 0.71 and a max of 7 per byte; the bounds (mean ≤ 1.5, max ≤ 16) leave room
    /// for other libjpeg builds while still failing on a channel swap (errors of ~100) or an
    /// ignored quality (see the next test).
    /// </summary>
    [TestMethod]
    public void EncodeJpeg_Quality95_RoundTripsWithinStatedTolerance()
    {
        using var scope = torch.NewDisposeScope();
        var image = SmoothImage(48, 64);

        var jpeg = ImageFiles.EncodeJpeg(image, quality: 95);

        Assert.AreEqual(0xFF, jpeg[0], "JPEG SOI marker");
        Assert.AreEqual(0xD8, jpeg[1], "JPEG SOI marker");
        var (mean, max) = Errors(image, ImageDecoding.DecodeRgb(jpeg, "q95.jpg"));
        TestContext.WriteLine($"JPEG q95: {jpeg.Length} bytes, mean |error| {mean:F3}, max {max}");
        Assert.IsTrue(mean <= 1.5, $"mean |error| {mean:F3}");
        Assert.IsTrue(max <= 16, $"max |error| {max}");
    }

    [TestMethod]
    public void EncodeJpeg_LowerQuality_SmallerFileAndLargerError()
    {
        using var scope = torch.NewDisposeScope();
        var image = SmoothImage(48, 64);

        var high = ImageFiles.EncodeJpeg(image, quality: 95);
        var low = ImageFiles.EncodeJpeg(image, quality: 20);

        var (highMean, _) = Errors(image, ImageDecoding.DecodeRgb(high, "q95.jpg"));
        var (lowMean, _) = Errors(image, ImageDecoding.DecodeRgb(low, "q20.jpg"));
        TestContext.WriteLine($"q95: {high.Length} bytes, mean |error| {highMean:F3}; q20: {low.Length} bytes, mean |error| {lowMean:F3}");
        Assert.IsTrue(low.Length < high.Length, $"q20 {low.Length} bytes vs q95 {high.Length} bytes");
        Assert.IsTrue(lowMean > highMean, $"q20 mean |error| {lowMean:F3} vs q95 {highMean:F3}");
    }

    [TestMethod]
    public void EncodeJpeg_Grey_DecodesToEqualChannels()
    {
        using var scope = torch.NewDisposeScope();
        var grey = SmoothImage(32, 40).select(2, 0);

        var decoded = ImageDecoding.DecodeRgb(ImageFiles.EncodeJpeg(grey, quality: 90), "grey.jpg");

        TensorAssert.Equal(decoded.select(2, 0), decoded.select(2, 1), "red vs green of a grey JPEG");
        TensorAssert.Equal(decoded.select(2, 0), decoded.select(2, 2), "red vs blue of a grey JPEG");
        Assert.IsTrue(Errors(grey.unsqueeze(2).expand(32, 40, 3), decoded).Mean <= 1.5, "grey JPEG close to its input");
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(101)]
    [DataRow(-5)]
    public void EncodeJpeg_QualityOutOfRange_ThrowsArgumentOutOfRange(int quality)
    {
        using var scope = torch.NewDisposeScope();
        var image = RandomImage(4, 4, 3, seed: 5);

        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ImageFiles.EncodeJpeg(image, quality));
        Assert.AreEqual("quality", ex.ParamName);
    }

    [TestMethod]
    public void EncodePng_Float32Image_ThrowsArgumentExceptionNamingUInt8()
    {
        using var scope = torch.NewDisposeScope();
        var ex = Assert.ThrowsExactly<ArgumentException>(() => ImageFiles.EncodePng(torch.rand([8, 8, 3])));
        StringAssert.Contains(ex.Message, "uint8");
        StringAssert.Contains(ex.Message, "Float32");
        Assert.AreEqual("image", ex.ParamName);
    }

    [TestMethod]
    [DataRow(new long[] { 8 })]
    [DataRow(new long[] { 8, 8, 4 })]
    [DataRow(new long[] { 2, 8, 8 })]
    [DataRow(new long[] { 1, 8, 8, 3 })]
    [DataRow(new long[] { 0, 8, 3 })]
    public void EncodePng_NotAnImageShape_ThrowsArgumentExceptionNamingTheShape(long[] shape)
    {
        using var scope = torch.NewDisposeScope();
        var tensor = torch.zeros(shape, ScalarType.Byte);

        var ex = Assert.ThrowsExactly<ArgumentException>(() => ImageFiles.EncodePng(tensor));
        StringAssert.Contains(ex.Message, $"[{string.Join(", ", shape)}]");
    }

    [TestMethod]
    public void WritePng_NewAndExistingFile_WritesDecodablePngAndLeavesNoTemporaryFile()
    {
        using var scope = torch.NewDisposeScope();
        var folder = Directory.CreateTempSubdirectory("camloss-encoder-");
        try
        {
            var path = Path.Combine(folder.FullName, "picture.png");
            File.WriteAllText(path, "an older file that must be replaced");
            var image = RandomImage(9, 14, 3, seed: 6);

            ImageFiles.WritePng(path, image);

            TensorAssert.Equal(image, ImageDecoding.DecodeFile(path), "decoded file");
            CollectionAssert.AreEqual(new[] { "picture.png" }, folder.GetFiles().Select(f => f.Name).ToArray(), "files in the folder");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [TestMethod]
    public void WritePng_MissingFolder_ThrowsDirectoryNotFound()
    {
        using var scope = torch.NewDisposeScope();
        var path = Path.Combine(Path.GetTempPath(), $"camloss-missing-{Guid.NewGuid():N}", "picture.png");

        Assert.ThrowsExactly<DirectoryNotFoundException>(() => ImageFiles.WritePng(path, RandomImage(2, 2, 3, seed: 7)));
    }

    [TestMethod]
    public void EncodeAndErrors_ManyCalls_ReturnToStartingHandleCount()
    {
        var before = Tensor.TotalCount;
        using (var image = RandomImage(16, 16, 3, seed: 8))
        using (var chw = image.permute(2, 0, 1))
        using (var wrong = torch.zeros([4, 4, 2], ScalarType.Byte))
        {
            for (var i = 0; i < 20; i++)
            {
                _ = ImageFiles.EncodePng(image);
                _ = ImageFiles.EncodePng(chw);
                _ = ImageFiles.EncodeJpeg(image, 80);
                Assert.ThrowsExactly<ArgumentException>(() => ImageFiles.EncodePng(wrong));
            }
        }

        Assert.AreEqual(before, Tensor.TotalCount, "live native tensor handles");
    }

    /// <summary>Seeded uniform bytes, [H, W, C] (C = 1 gives [H, W]): incompressible, so PNG is exercised fully.</summary>
    private static Tensor RandomImage(int height, int width, int channels, int seed)
    {
        var bytes = new byte[height * width * channels];
        new Random(seed).NextBytes(bytes);
        return channels == 1 ? torch.tensor(bytes, [height, width]) : torch.tensor(bytes, [height, width, channels]);
    }

    /// <summary>Ramps in red and green, a soft blue disc: the kind of content JPEG is meant for.</summary>
    private static Tensor SmoothImage(int height, int width)
    {
        var bytes = new byte[height * width * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                var r2 = (Math.Pow(x - (width * 0.6), 2) + Math.Pow(y - (height * 0.4), 2)) / (height * height * 0.1);
                bytes[i] = (byte)Math.Round(40 + (180.0 * x / (width - 1)));
                bytes[i + 1] = (byte)Math.Round(200 - (150.0 * y / (height - 1)));
                bytes[i + 2] = (byte)Math.Round(60 + (160 * Math.Exp(-r2)));
            }
        }

        return torch.tensor(bytes, [height, width, 3]);
    }

    private static (double Mean, int Max) Errors(Tensor expected, Tensor actual)
    {
        CollectionAssert.AreEqual(expected.shape, actual.shape, "shape");
        using var e = expected.contiguous();
        using var a = actual.contiguous();
        var ev = e.data<byte>().ToArray();
        var av = a.data<byte>().ToArray();
        var sum = 0L;
        var max = 0;
        for (var i = 0; i < ev.Length; i++)
        {
            var d = Math.Abs(ev[i] - av[i]);
            sum += d;
            max = Math.Max(max, d);
        }

        return ((double)sum / ev.Length, max);
    }
}
