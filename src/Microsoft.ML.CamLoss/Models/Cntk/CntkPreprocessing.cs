namespace Microsoft.ML.CamLoss.Models.Cntk;

/// <summary>
/// What a preprocessing graph does to an image before the network, in terms of the image's own
/// channels: network channel <c>j</c> is image channel <see cref="ChannelSource"/>[j] minus the mean
/// image's channel <c>j</c>, on pixel values 0–255.
/// </summary>
/// <param name="ChannelSource">For each channel the network reads, the image channel it comes from (<c>[2, 1, 0]</c>: RGB in, BGR to the network).</param>
/// <param name="MeanImage">The mean subtracted, <c>[C, H, W]</c> row-major, in the network's channel order and the 0–255 pixel scale.</param>
/// <param name="Height">The mean image's height.</param>
/// <param name="Width">The mean image's width.</param>
/// <param name="Conventions">What differs from torchvision's preprocessing, in words.</param>
internal sealed record CntkPreprocessing(int[] ChannelSource, float[] MeanImage, int Height, int Width, IReadOnlyList<string> Conventions)
{
    /// <summary>The mean image in the image's own channel order (network channel j's mean goes to image channel ChannelSource[j]).</summary>
    public float[] MeanImageInImageOrder()
    {
        var plane = Height * Width;
        var result = new float[MeanImage.Length];
        for (var j = 0; j < ChannelSource.Length; j++)
        {
            Array.Copy(MeanImage, j * plane, result, ChannelSource[j] * plane, plane);
        }

        return result;
    }
}
