using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// Per-channel standardisation <c>(x − mean[c]) / std[c]</c> (torchvision's <c>Normalize</c>);
/// uint8 input is first scaled to [0, 1] (÷ 255). Output float32.
/// </summary>
public sealed class NormalizeTransform : IImageTransform
{
    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>Standardises with <paramref name="mean"/> and <paramref name="std"/> (one value per channel, of [0, 1] images).</summary>
    public NormalizeTransform(IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count == 0 || mean.Count != std.Count || std.Any(s => !(s > 0)))
        {
            throw new ArgumentException($"Need one mean and one positive std per channel; got {mean.Count} means and {std.Count} stds.");
        }

        _mean = [.. mean];
        _std = [.. std];
    }

    /// <summary>ImageNet's statistics: mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225).</summary>
    public static NormalizeTransform ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>The channel means.</summary>
    public IReadOnlyList<float> Mean => _mean;

    /// <summary>The channel standard deviations.</summary>
    public IReadOnlyList<float> Std => _std;

    /// <inheritdoc/>
    public Tensor Apply(Tensor image, SeededRandom random) => ImageFunctional.Normalize(image, _mean, _std);

    /// <inheritdoc/>
    public Tensor ApplyBatch(Tensor images, IReadOnlyList<SeededRandom> randoms) => ImageFunctional.Normalize(images, _mean, _std);

    /// <inheritdoc/>
    public IReadOnlyList<IImageTransform> ForScoring() => [this];
}
