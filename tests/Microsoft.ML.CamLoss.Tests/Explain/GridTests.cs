using Microsoft.ML.CamLoss.Explain;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Explain;

/// <summary>Tiling pictures into a gallery: placement, gaps, empty cells and argument checks.</summary>
[TestClass]
public sealed class GridTests
{
    [TestMethod]
    public void Grid_ThreeTilesTwoColumnsGap2_PlacesTilesRowByRowOnBackground()
    {
        using var scope = torch.NewDisposeScope();
        byte[][] colours = [[250, 0, 0], [0, 250, 0], [0, 0, 250]];
        var tiles = colours.Select(c => Solid(3, 4, c)).ToArray();

        var grid = HeatmapRenderer.Grid(tiles, columns: 2, gap: 2, background: 7);

        // 2 rows · 3 + 1 gap · 2 = 8 rows; 2 columns · 4 + 1 gap · 2 = 10 columns.
        CollectionAssert.AreEqual(new long[] { 8, 10, 3 }, grid.shape);
        var pixels = grid.data<byte>().ToArray();
        for (var y = 0; y < 8; y++)
        {
            for (var x = 0; x < 10; x++)
            {
                var tile = (y, x) switch
                {
                    ( < 3, < 4) => 0,
                    ( < 3, >= 6) => 1,
                    ( >= 5, < 4) => 2,
                    _ => -1,
                };
                byte[] expected = tile < 0 ? [7, 7, 7] : colours[tile];
                var at = ((y * 10) + x) * 3;
                CollectionAssert.AreEqual(expected, pixels[at..(at + 3)], $"pixel ({y}, {x})");
            }
        }
    }

    [TestMethod]
    public void Grid_OneRowOfFourNoGap_IsTheTilesSideBySide()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(11);
        var tiles = Enumerable.Range(0, 4).Select(i => torch.randint(0, 256, [5, 6, 3], ScalarType.Byte)).ToArray();

        var grid = HeatmapRenderer.Grid(tiles, columns: 4);

        TensorAssert.Equal(torch.cat(tiles, 1), grid, "a gap-free row is the tiles concatenated along the width");
    }

    [TestMethod]
    public void Grid_ChannelsFirstAndGreyTiles_DrawnAsTheirRgbEquivalents()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(12);
        var rgb = torch.randint(0, 256, [5, 6, 3], ScalarType.Byte);
        var grey = torch.randint(0, 256, [5, 6], ScalarType.Byte);

        var grid = HeatmapRenderer.Grid([rgb.permute(2, 0, 1), grey], columns: 2);

        TensorAssert.Equal(torch.cat([rgb, grey.unsqueeze(2).expand(5, 6, 3)], 1), grid, "grid of [3, H, W] and [H, W] tiles");
    }

    [TestMethod]
    public void Grid_TilesOfDifferentSizes_ThrowsArgumentExceptionNamingBothSizes()
    {
        using var scope = torch.NewDisposeScope();

        var ex = Assert.ThrowsExactly<ArgumentException>(() => HeatmapRenderer.Grid([Solid(3, 4, [1, 2, 3]), Solid(3, 5, [1, 2, 3])], columns: 2));
        StringAssert.Contains(ex.Message, "3×4");
        StringAssert.Contains(ex.Message, "tile 1 is 3×5");
    }

    [TestMethod]
    public void Grid_FloatTile_ThrowsArgumentExceptionNamingTheTile()
    {
        using var scope = torch.NewDisposeScope();

        var ex = Assert.ThrowsExactly<ArgumentException>(() => HeatmapRenderer.Grid([Solid(3, 4, [1, 2, 3]), torch.rand([3, 4, 3])], columns: 2));
        StringAssert.StartsWith(ex.Message, "Tile 1:");
        Assert.AreEqual("tiles", ex.ParamName);
    }

    [TestMethod]
    public void Grid_BadArguments_Throw()
    {
        using var scope = torch.NewDisposeScope();
        var tile = Solid(2, 2, [1, 2, 3]);

        Assert.ThrowsExactly<ArgumentException>(() => HeatmapRenderer.Grid([], columns: 1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => HeatmapRenderer.Grid([tile], columns: 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => HeatmapRenderer.Grid([tile], columns: 1, gap: -1));
    }

    private static Tensor Solid(int height, int width, byte[] rgb)
    {
        var pixels = new byte[height * width * 3];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = rgb[i % 3];
        }

        return torch.tensor(pixels, [height, width, 3]);
    }
}
