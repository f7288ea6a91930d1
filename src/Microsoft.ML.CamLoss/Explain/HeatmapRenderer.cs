namespace Microsoft.ML.CamLoss.Explain;

/// <summary>
/// Turns heatmaps into pictures: colourised maps, maps blended over the image they explain, and
/// grids of such pictures for a gallery (image | CAM | CAAM | Grad-CAM). Every picture is a uint8
/// <c>[H, W, 3]</c> RGB CPU tensor that the caller disposes (it joins the current dispose scope
/// like any new tensor), ready for <see cref="ImageFiles"/>.
/// </summary>
/// <remarks>
/// Images are accepted in any layout <see cref="ImageLayout.ToHwc"/> reads: <c>[H, W, 3]</c> as
/// <c>ImageDecoding.DecodeRgb</c> returns them, <c>[3, H, W]</c>, or grey. Pass the decoded uint8
/// image, not the normalised float tensor the model saw.
/// </remarks>
public static partial class HeatmapRenderer
{
    /// <summary>
    /// Colours <paramref name="map"/> (values as they are; see <see cref="Colorize"/>) into a
    /// managed picture of the map's size.
    /// </summary>
    private static RgbImage ColorizeToImage(Heatmap map, Colormap colormap)
    {
        var table = colormap.Table();
        var values = map.Values;
        var pixels = new byte[checked(values.Length * 3)];
        for (var i = 0; i < values.Length; i++)
        {
            ColormapExtensions.Lookup(table, values[i], pixels.AsSpan(3 * i, 3));
        }

        return new RgbImage(map.Height, map.Width, pixels);
    }
}
