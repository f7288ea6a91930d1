using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Explain;

/// <summary>
/// An overlay on a real photograph (flowers12, ../shared/data; Inconclusive without it) with a
/// synthetic Gaussian blob whose peak is known: the warm colours must sit on the peak and the photo
/// must show through elsewhere. The pictures are attached to the test results
/// (explain-check.png, explain-gallery.png) for a human look.
/// </summary>
[TestClass]
public sealed class RealImageOverlayTests
{
    private const double Opacity = 0.5;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Overlay_SunflowerWithBlobAtKnownPoint_WarmColoursOnPeakAndPhotoShowsThrough()
    {
        using var scope = torch.NewDisposeScope();
        var photo = ImageDecoding.DecodeFile(SharedData.Require("flowers12/test/sunflower/image_0723.jpg"));
        int height = (int)photo.shape[0], width = (int)photo.shape[1];
        var map = Blob(14, 14, row: 4, column: 10, sigma: 1.5);
        // A map pixel's centre i lands on image coordinate (i + 0.5)·scale − 0.5 under align_corners=False.
        double peakY = ((4 + 0.5) * height / 14.0) - 0.5, peakX = ((10 + 0.5) * width / 14.0) - 0.5;

        var overlay = HeatmapRenderer.Overlay(photo, map, Opacity, Colormap.Jet);
        Save("explain-check.png", overlay);
        Save("explain-gallery.png", HeatmapRenderer.Grid(
            [photo, overlay, HeatmapRenderer.Overlay(photo, map, Opacity, Colormap.Viridis), HeatmapRenderer.Colorize(map.Resize(height, width))],
            columns: 4, gap: 6, background: 255));

        // The colour part of each pixel, a·colour ≈ overlay − (1 − a)·photo; jet is warm (red > blue) where the map exceeds about 0.5.
        var o = overlay.data<byte>().ToArray();
        var p = photo.data<byte>().ToArray();
        double sumY = 0, sumX = 0;
        var warm = 0;
        for (var i = 0; i < height * width; i++)
        {
            var red = o[3 * i] - ((1 - Opacity) * p[3 * i]);
            var blue = o[(3 * i) + 2] - ((1 - Opacity) * p[(3 * i) + 2]);
            if (red - blue > 20)
            {
                (sumY, sumX, warm) = (sumY + (i / width), sumX + (i % width), warm + 1);
            }
        }

        var (centreY, centreX) = (sumY / warm, sumX / warm);
        TestContext.WriteLine($"{warm} warm pixels centred at ({centreY:F1}, {centreX:F1}); map peak at ({peakY:F1}, {peakX:F1})");
        Assert.IsTrue(warm > 500 && warm < height * width / 5, $"{warm} warm pixels: the blob is neither missing nor everywhere");
        Assert.IsTrue(Math.Abs(centreY - peakY) < 3 && Math.Abs(centreX - peakX) < 3, $"warm centre ({centreY:F1}, {centreX:F1}) vs peak ({peakY:F1}, {peakX:F1})");

        // Far from the blob the colour is constant (jet's first entry), so the overlay keeps (1 − a) of the photo's detail.
        var (photoSpread, overlaySpread) = (Spread(p, width, height * 2 / 3, height, 0, width / 3), Spread(o, width, height * 2 / 3, height, 0, width / 3));
        TestContext.WriteLine($"bottom-left spread: photo {photoSpread:F2}, overlay {overlaySpread:F2}");
        Assert.IsTrue(photoSpread > 10, $"the photo has detail there ({photoSpread:F2})");
        Assert.AreEqual(1 - Opacity, overlaySpread / photoSpread, 0.05, "overlay detail / photo detail away from the blob");
    }

    /// <summary>exp(−d² / 2σ²) around (row, column).</summary>
    private static Heatmap Blob(int height, int width, int row, int column, double sigma)
    {
        var values = new float[height * width];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                values[(y * width) + x] = (float)Math.Exp(-(((y - row) * (y - row)) + ((x - column) * (x - column))) / (2 * sigma * sigma));
            }
        }

        return new Heatmap(height, width, values);
    }

    /// <summary>Standard deviation of the green channel over rows [top, bottom) and columns [left, right).</summary>
    private static double Spread(byte[] pixels, int width, int top, int bottom, int left, int right)
    {
        var values = new List<double>();
        for (var y = top; y < bottom; y++)
        {
            for (var x = left; x < right; x++)
            {
                values.Add(pixels[(((y * width) + x) * 3) + 1]);
            }
        }

        var mean = values.Average();
        return Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
    }

    private void Save(string name, Tensor picture)
    {
        var path = Path.Combine(TestContext.TestRunResultsDirectory ?? Path.GetTempPath(), name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ImageFiles.WritePng(path, picture);
        TestContext.AddResultFile(path);
        TestContext.WriteLine($"wrote {path}");
    }
}
