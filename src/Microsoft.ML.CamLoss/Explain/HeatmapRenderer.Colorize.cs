using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Explain;

public static partial class HeatmapRenderer
{
    /// <summary>
    /// The map in colour: a uint8 <c>[H, W, 3]</c> tensor of the map's size whose pixel (y, x) is
    /// <c>colormap.Map(map[y, x])</c>. Values are used as they are, so pass a map in [0, 1]
    /// (<see cref="Heatmap.Normalized"/> of a raw CAM); values outside it take the end colours.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="colormap"/> is not a defined <see cref="Colormap"/>.</exception>
    public static Tensor Colorize(Heatmap map, Colormap colormap = Colormap.Jet)
    {
        ArgumentNullException.ThrowIfNull(map);
        return ColorizeToImage(map, colormap).ToTensor();
    }
}
