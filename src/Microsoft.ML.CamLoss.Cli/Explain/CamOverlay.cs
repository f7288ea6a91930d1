using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.ML.CamLoss.Scoring;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Cli.Explain;

/// <summary>
/// PNG pictures of a CAM laid over the image it explains (<c>predict --cam</c>). The CAM (at
/// <see cref="MapResolution.Input"/>) covers what the network saw. When the scoring preprocessing
/// only resizes (and normalises), that is the whole image, so the map is stretched over the
/// original picture at its own size, which is exact. When it crops (ImageNet networks: resize, then
/// centre crop), the parts outside the crop were never seen, so the map is laid over the network's
/// view instead: the image put through the preprocessing's geometric steps (resize, crop) as
/// uint8, without normalisation.
/// </summary>
internal static class CamOverlay
{
    /// <summary>The PNG of <paramref name="cam"/> over the image at <paramref name="imagePath"/>, as a model with the scoring <paramref name="preprocessing"/> saw it.</summary>
    public static byte[] Png(ImagePipeline preprocessing, string imagePath, Heatmap cam, double opacity, Colormap colormap)
    {
        using var scope = torch.NewDisposeScope();   // the decoded image and every view of it; the PNG bytes are managed
        var image = ImageDecoding.DecodeFile(imagePath);
        var (view, cropped) = NetworkView(preprocessing, image);
        return HeatmapRenderer.OverlayPng(cropped ? view : image, cam, opacity, colormap);
    }

    /// <summary>
    /// The uint8 <c>[3, H, W]</c> image after the scoring preprocessing's resizes and crops, and
    /// whether a crop cut anything off (a 32×32 centre crop of a 32×32 image does not).
    /// </summary>
    private static (Tensor View, bool Cropped) NetworkView(ImagePipeline scoring, Tensor imageHwc)
    {
        var view = imageHwc.permute(2, 0, 1);
        var random = new SeededRandom(0);
        var cropped = false;
        foreach (var transform in scoring.Transforms.Where(t => t is ResizeTransform or CenterCropTransform))
        {
            if (transform is CenterCropTransform crop)
            {
                cropped |= crop.Height < view.shape[1] || crop.Width < view.shape[2];
            }

            view = transform.Apply(view, random);
        }

        return (view, cropped);
    }
}
