using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// The centre <c>height × width</c> window (torchvision's <c>CenterCrop</c>): offset
/// <c>round((H − height) / 2)</c> (half to even), zero-padded first when the image is smaller.
/// </summary>
public sealed class CenterCropTransform : IImageTransform
{
    /// <summary>Crops the centre <paramref name="height"/> × <paramref name="width"/>.</summary>
    public CenterCropTransform(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Height = height;
        Width = width;
    }

    /// <summary>Output height.</summary>
    public int Height { get; }

    /// <summary>Output width.</summary>
    public int Width { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor image, SeededRandom random) => ImageFunctional.CenterCrop(image, Height, Width);

    /// <inheritdoc/>
    public Tensor ApplyBatch(Tensor images, IReadOnlyList<SeededRandom> randoms) => ImageFunctional.CenterCrop(images, Height, Width);

    /// <inheritdoc/>
    public IReadOnlyList<IImageTransform> ForScoring() => [this];
}
