using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>uint8 to float32 in [0, 1] by ÷ 255 (torchvision's <c>ConvertImageDtype(torch.float)</c>); float input is copied.</summary>
public sealed class ToFloatTransform : IImageTransform
{
    /// <summary>The transform (it has no settings).</summary>
    public static ToFloatTransform Instance { get; } = new();

    /// <inheritdoc/>
    public Tensor Apply(Tensor image, SeededRandom random) => ImageFunctional.ToFloat(image);

    /// <inheritdoc/>
    public Tensor ApplyBatch(Tensor images, IReadOnlyList<SeededRandom> randoms) => ImageFunctional.ToFloat(images);

    /// <inheritdoc/>
    public IReadOnlyList<IImageTransform> ForScoring() => [this];
}
