using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>Repeats a single channel three times (for IDX / MNIST-style images fed to RGB models); 3-channel input is copied.</summary>
public sealed class GrayscaleToRgbTransform : IImageTransform
{
    /// <summary>The transform (it has no settings).</summary>
    public static GrayscaleToRgbTransform Instance { get; } = new();

    /// <inheritdoc/>
    public Tensor Apply(Tensor image, SeededRandom random) => Expand(image);

    /// <inheritdoc/>
    public Tensor ApplyBatch(Tensor images, IReadOnlyList<SeededRandom> randoms) => Expand(images);

    /// <inheritdoc/>
    public IReadOnlyList<IImageTransform> ForScoring() => [this];

    private static Tensor Expand(Tensor image)
    {
        ImageFunctional.Size(image);
        var channels = image.shape[^3];
        if (channels == 3)
        {
            return image.clone();
        }

        if (channels != 1)
        {
            throw new ArgumentException($"GrayscaleToRgb needs 1 or 3 channels; the image has {channels}.", nameof(image));
        }

        return cat([image, image, image], image.dim() - 3);
    }
}
