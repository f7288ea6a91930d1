using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Explain;

public static partial class HeatmapRenderer
{
    /// <summary>
    /// Tiles equally sized pictures into one, row by row (left to right, then down), with
    /// <paramref name="gap"/> pixels of <paramref name="background"/> grey between neighbouring
    /// tiles and none around the edge: <c>rows = ceil(count / columns)</c>, height
    /// <c>rows · H + (rows − 1) · gap</c>, width <c>columns · W + (columns − 1) · gap</c>. Cells
    /// after the last tile stay background, so rows made with the same <paramref name="columns"/>
    /// line up even when one has fewer tiles.
    /// </summary>
    /// <param name="tiles">uint8 images of one size, each <c>[H, W, 3]</c>, <c>[3, H, W]</c> or grey (grey tiles are drawn in grey).</param>
    /// <param name="columns">Tiles per row (at least 1).</param>
    /// <param name="gap">Pixels between neighbouring tiles (0 or more).</param>
    /// <param name="background">Grey level (0 black … 255 white) of the gaps and empty cells.</param>
    /// <returns>A new uint8 <c>[height, width, 3]</c> RGB CPU tensor.</returns>
    /// <exception cref="ArgumentException">There are no tiles, a tile is not a uint8 image, or the tiles differ in size.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="columns"/> is below 1 or <paramref name="gap"/> is negative.</exception>
    public static Tensor Grid(IReadOnlyList<Tensor> tiles, int columns, int gap = 0, byte background = 255)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(gap);
        if (tiles.Count == 0)
        {
            throw new ArgumentException("A grid needs at least one tile.", nameof(tiles));
        }

        var pictures = new RgbImage[tiles.Count];
        for (var i = 0; i < pictures.Length; i++)
        {
            try
            {
                pictures[i] = RgbImage.FromTensor(tiles[i] ?? throw new ArgumentException("The tile is null."));
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Tile {i}: {e.Message}", nameof(tiles), e);
            }

            if (pictures[i].Height != pictures[0].Height || pictures[i].Width != pictures[0].Width)
            {
                throw new ArgumentException(
                    $"Grid tiles must all have one size: tile 0 is {pictures[0].Height}×{pictures[0].Width}, tile {i} is {pictures[i].Height}×{pictures[i].Width}.",
                    nameof(tiles));
            }
        }

        int tileHeight = pictures[0].Height, tileWidth = pictures[0].Width;
        var rows = ((pictures.Length - 1) / columns) + 1;
        var grid = RgbImage.Filled(
            checked((rows * tileHeight) + ((rows - 1) * gap)),
            checked((columns * tileWidth) + ((columns - 1) * gap)),
            background);
        var tileRowBytes = tileWidth * 3;
        for (var i = 0; i < pictures.Length; i++)
        {
            var top = (i / columns) * (tileHeight + gap);
            var left = (i % columns) * (tileWidth + gap);
            for (var y = 0; y < tileHeight; y++)
            {
                pictures[i].Pixels.AsSpan(y * tileRowBytes, tileRowBytes)
                    .CopyTo(grid.Pixels.AsSpan((((top + y) * grid.Width) + left) * 3));
            }
        }

        return grid.ToTensor();
    }
}
