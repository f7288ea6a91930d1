using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Explain;

/// <summary>Stacks gallery rows into one picture, top to bottom.</summary>
internal static class GalleryLayout
{
    /// <summary>
    /// The rows one under another with <paramref name="gap"/> pixels of white between them, as a
    /// uint8 <c>[H, W, 3]</c> tensor. Rows of different sizes (a preprocessing without a fixed
    /// output size) are padded with white at the right and bottom to the largest, so they still
    /// line up at the left.
    /// </summary>
    public static Tensor Column(IReadOnlyList<RgbImage> rows, int gap)
    {
        using var scope = torch.NewDisposeScope();
        int height = rows.Max(p => p.Height), width = rows.Max(p => p.Width);
        var tiles = rows.Select(p => Pad(p, height, width).ToTensor()).ToArray();
        return HeatmapRenderer.Grid(tiles, columns: 1, gap: gap, background: 255).MoveToOuterDisposeScope();
    }

    private static RgbImage Pad(RgbImage picture, int height, int width)
    {
        if (picture.Height == height && picture.Width == width)
        {
            return picture;
        }

        var padded = RgbImage.Filled(height, width, 255);
        var rowBytes = picture.Width * 3;
        for (var y = 0; y < picture.Height; y++)
        {
            picture.Pixels.AsSpan(y * rowBytes, rowBytes).CopyTo(padded.Pixels.AsSpan(y * width * 3));
        }

        return padded;
    }
}
