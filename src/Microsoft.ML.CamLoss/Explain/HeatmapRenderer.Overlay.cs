using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Explain;

public static partial class HeatmapRenderer
{
    /// <summary>
    /// <paramref name="map"/> blended over <paramref name="image"/>: the map is min-max normalised
    /// (<see cref="Heatmap.Normalized"/>), resized bilinearly to the image's size
    /// (<see cref="Heatmap.Resize"/>, as <c>F.interpolate(mode="bilinear", align_corners=False)</c>),
    /// coloured by <paramref name="colormap"/>, and mixed per channel as
    /// <c>out = round((1 − a) · image + a · colour)</c> with <c>a</c> = <paramref name="opacity"/>,
    /// computed in double precision and rounded half to even.
    /// </summary>
    /// <param name="image">The uint8 image the map explains (<c>[H, W, 3]</c>, <c>[3, H, W]</c> or grey, any device).</param>
    /// <param name="map">The heatmap, any size and range (a constant map normalises to 0 everywhere).</param>
    /// <param name="opacity">Weight of the colour, 0 (image only) to 1 (map only).</param>
    /// <param name="colormap">The colour scale.</param>
    /// <returns>A new uint8 <c>[H, W, 3]</c> RGB CPU tensor of the image's size.</returns>
    /// <exception cref="ArgumentException"><paramref name="image"/> is not a uint8 image.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="opacity"/> is outside [0, 1] or NaN, or <paramref name="colormap"/> is not defined.</exception>
    public static Tensor Overlay(Tensor image, Heatmap map, double opacity = 0.5, Colormap colormap = Colormap.Jet) =>
        OverlayImage(image, map, opacity, colormap).ToTensor();

    /// <summary>
    /// PNG bytes of <see cref="Overlay"/>'s picture (lossless, so decoding them gives exactly the
    /// tensor <see cref="Overlay"/> returns).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="image"/> is not a uint8 image.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="opacity"/> is outside [0, 1] or NaN, or <paramref name="colormap"/> is not defined.</exception>
    public static byte[] OverlayPng(Tensor image, Heatmap map, double opacity = 0.5, Colormap colormap = Colormap.Jet)
    {
        using var picture = Overlay(image, map, opacity, colormap);
        return ImageFiles.EncodePng(picture);
    }

    private static RgbImage OverlayImage(Tensor image, Heatmap map, double opacity, Colormap colormap)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(map);
        if (!(opacity >= 0 && opacity <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(opacity), opacity, "Opacity must be between 0 (image only) and 1 (map only).");
        }

        var picture = RgbImage.FromTensor(image);
        var colour = ColorizeToImage(map.Normalized().Resize(picture.Height, picture.Width), colormap);
        var pixels = picture.Pixels;
        var keep = 1 - opacity;
        for (var i = 0; i < pixels.Length; i++)
        {
            var blended = (keep * pixels[i]) + (opacity * colour.Pixels[i]);
            pixels[i] = (byte)Math.Clamp(Math.Round(blended, MidpointRounding.ToEven), 0, 255);
        }

        return picture;
    }
}
