using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Explain;

/// <summary>
/// Colourised maps and overlays. The reference (Fixtures/explain.json) is torch 1.13's
/// F.interpolate(bilinear, align_corners=False) of the float32 min-max normalised map, matplotlib
/// 3.6's colormap and the blend round((1 − a)·image + a·colour) in float64: the bar is ±1 per byte
/// (the brief's), in practice 0.
/// </summary>
[TestClass]
public sealed class OverlayTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow(0, Colormap.Jet)]
    [DataRow(1, Colormap.Viridis)]
    [DataRow(2, Colormap.Gray)]
    public void Overlay_FixtureImageAndMap_MatchesTorchAndMatplotlibReference(int index, Colormap colormap)
    {
        using var scope = torch.NewDisposeScope();
        var (image, map) = FixtureImageAndMap();
        var reference = JsonFixture.Open("explain.json").Get("overlays", "cases")[index];
        var opacity = reference.GetProperty("opacity").GetDouble();
        var expected = Convert.FromBase64String(reference.GetProperty("pixels").GetString()!);

        var overlay = HeatmapRenderer.Overlay(image, map, opacity, colormap);

        CollectionAssert.AreEqual(image.shape, overlay.shape, "shape");
        Assert.AreEqual(ScalarType.Byte, overlay.dtype);
        var actual = overlay.data<byte>().ToArray();
        var maxDiff = actual.Zip(expected, (a, e) => Math.Abs(a - e)).Max();
        TestContext.WriteLine($"{colormap} at opacity {opacity}: max |ours − reference| = {maxDiff} over {actual.Length} bytes");
        Assert.IsTrue(maxDiff <= 1, $"max |ours − reference| = {maxDiff}");
    }

    [TestMethod]
    public void Overlay_ChannelsFirstImage_SameAsChannelsLast()
    {
        using var scope = torch.NewDisposeScope();
        var (image, map) = FixtureImageAndMap();

        TensorAssert.Equal(
            HeatmapRenderer.Overlay(image, map, 0.4),
            HeatmapRenderer.Overlay(image.permute(2, 0, 1), map, 0.4),
            "overlay of [3, H, W] vs [H, W, 3]");
    }

    [TestMethod]
    public void Overlay_GreyImage_BlendsTheGreyLevelInEveryChannel()
    {
        using var scope = torch.NewDisposeScope();
        var (image, map) = FixtureImageAndMap();
        var grey = image.select(2, 1);

        TensorAssert.Equal(
            HeatmapRenderer.Overlay(grey.unsqueeze(2).expand(grey.shape[0], grey.shape[1], 3), map),
            HeatmapRenderer.Overlay(grey, map),
            "overlay of [H, W] vs the same grey as [H, W, 3]");
    }

    [TestMethod]
    public void Overlay_OpacityZero_ReturnsTheImage()
    {
        using var scope = torch.NewDisposeScope();
        var (image, map) = FixtureImageAndMap();

        TensorAssert.Equal(image, HeatmapRenderer.Overlay(image, map, opacity: 0), "overlay at opacity 0");
    }

    [TestMethod]
    public void Overlay_OpacityOne_ReturnsTheNormalisedResizedMapInColour()
    {
        using var scope = torch.NewDisposeScope();
        var (image, map) = FixtureImageAndMap();
        var expected = HeatmapRenderer.Colorize(map.Normalized().Resize((int)image.shape[0], (int)image.shape[1]), Colormap.Viridis);

        TensorAssert.Equal(expected, HeatmapRenderer.Overlay(image, map, opacity: 1, Colormap.Viridis), "overlay at opacity 1");
    }

    [TestMethod]
    public void Overlay_ConstantMap_UsesTheFirstColourEverywhere()
    {
        using var scope = torch.NewDisposeScope();
        var image = torch.full([5, 6, 3], 200, ScalarType.Byte);
        var map = new Heatmap(2, 2, [3f, 3f, 3f, 3f]);

        var overlay = HeatmapRenderer.Overlay(image, map, opacity: 0.5).data<byte>().ToArray();

        // jet's first entry is (0, 0, 128): round(0.5·200 + 0.5·0) = 100, round(0.5·200 + 0.5·128) = 164.
        for (var i = 0; i < overlay.Length; i += 3)
        {
            Assert.AreEqual(((byte)100, (byte)100, (byte)164), (overlay[i], overlay[i + 1], overlay[i + 2]), $"pixel {i / 3}");
        }
    }

    [TestMethod]
    [DataRow(-0.1)]
    [DataRow(1.5)]
    [DataRow(double.NaN)]
    public void Overlay_OpacityOutsideZeroToOne_ThrowsArgumentOutOfRange(double opacity)
    {
        using var scope = torch.NewDisposeScope();
        var (image, map) = FixtureImageAndMap();

        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => HeatmapRenderer.Overlay(image, map, opacity));
        Assert.AreEqual("opacity", ex.ParamName);
    }

    [TestMethod]
    public void Overlay_FloatImage_ThrowsArgumentExceptionNamingUInt8()
    {
        using var scope = torch.NewDisposeScope();
        var (_, map) = FixtureImageAndMap();

        var ex = Assert.ThrowsExactly<ArgumentException>(() => HeatmapRenderer.Overlay(torch.rand([3, 8, 8]), map));
        StringAssert.Contains(ex.Message, "uint8");
    }

    [TestMethod]
    public void OverlayPng_Decoded_EqualsOverlay()
    {
        using var scope = torch.NewDisposeScope();
        var (image, map) = FixtureImageAndMap();

        var png = HeatmapRenderer.OverlayPng(image, map, 0.6, Colormap.Viridis);

        TensorAssert.Equal(HeatmapRenderer.Overlay(image, map, 0.6, Colormap.Viridis), ImageDecoding.DecodeRgb(png, "overlay.png"), "decoded overlay PNG");
    }

    [TestMethod]
    public void Colorize_SmallMap_EachPixelIsItsColormapEntry()
    {
        using var scope = torch.NewDisposeScope();
        var map = new Heatmap(2, 3, [0f, 0.25f, 0.5f, 0.75f, 1f, 2f]);

        var colours = HeatmapRenderer.Colorize(map, Colormap.Jet);

        CollectionAssert.AreEqual(new long[] { 2, 3, 3 }, colours.shape);
        var bytes = colours.data<byte>().ToArray();
        for (var i = 0; i < 6; i++)
        {
            Assert.AreEqual(Colormap.Jet.Map(map.Values[i]), (bytes[3 * i], bytes[(3 * i) + 1], bytes[(3 * i) + 2]), $"value {map.Values[i]}");
        }
    }

    [TestMethod]
    public void OverlayAndGrid_ManyCalls_ReturnToStartingHandleCount()
    {
        var before = Tensor.TotalCount;
        var (image, map) = FixtureImageAndMap();
        using (image)
        {
            for (var i = 0; i < 10; i++)
            {
                using var overlay = HeatmapRenderer.Overlay(image, map);
                using var colours = HeatmapRenderer.Colorize(map.Normalized());
                _ = HeatmapRenderer.OverlayPng(image, map);
                using var grid = HeatmapRenderer.Grid([image, overlay], columns: 2, gap: 3);
                Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => HeatmapRenderer.Overlay(image, map, 2));
            }
        }

        Assert.AreEqual(before, Tensor.TotalCount, "live native tensor handles");
    }

    /// <summary>The fixture's 37 × 53 uint8 RGB image (a new tensor) and its 7 × 9 map.</summary>
    private static (Tensor Image, Heatmap Map) FixtureImageAndMap()
    {
        var fixture = JsonFixture.Open("explain.json");
        var shape = fixture.Get("overlays", "image", "shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        var image = torch.tensor(Convert.FromBase64String(fixture.Get("overlays", "image", "pixels").GetString()!), shape);
        using var map = fixture.Tensor("overlays", "map");
        return (image, Heatmap.FromTensor(map));
    }
}
