using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// Bilinear resize (torchvision's <c>Resize</c> on tensors): either to an exact
/// <c>height × width</c>, or the shorter side to <c>size</c> keeping the aspect ratio (longer
/// side <c>int(size · long / short)</c>, optionally capped by <c>maxSize</c>). Antialiased by
/// default (a low-pass filter when shrinking, like PIL and torchvision ≥ 0.17). uint8 stays uint8 (rounded).
/// </summary>
public sealed class ResizeTransform : IImageTransform
{
    /// <summary>Resizes to exactly <paramref name="height"/> × <paramref name="width"/>.</summary>
    public ResizeTransform(int height, int width, bool antialias = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Height = height;
        Width = width;
        Antialias = antialias;
    }

    /// <summary>Resizes the shorter side to <paramref name="shorterSide"/>, keeping the aspect ratio.</summary>
    /// <param name="shorterSide">The new length of the shorter side.</param>
    /// <param name="maxSize">Optional cap on the longer side (as torchvision's <c>max_size</c>).</param>
    /// <param name="antialias">Low-pass filter when shrinking (default true).</param>
    public ResizeTransform(int shorterSide, int? maxSize = null, bool antialias = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shorterSide);
        if (maxSize is { } max && max <= shorterSide)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSize), max, $"maxSize must be larger than the shorter side ({shorterSide}).");
        }

        ShorterSide = shorterSide;
        MaxSize = maxSize;
        Antialias = antialias;
    }

    /// <summary>The exact output height, or null when resizing the shorter side.</summary>
    public int? Height { get; }

    /// <summary>The exact output width, or null when resizing the shorter side.</summary>
    public int? Width { get; }

    /// <summary>The shorter side's new length, or null for an exact size.</summary>
    public int? ShorterSide { get; }

    /// <summary>Cap on the longer side when resizing the shorter side.</summary>
    public int? MaxSize { get; }

    /// <summary>Whether shrinking is antialiased.</summary>
    public bool Antialias { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor image, SeededRandom random) => ApplyBatch(image);

    /// <inheritdoc/>
    public Tensor ApplyBatch(Tensor images, IReadOnlyList<SeededRandom> randoms) => ApplyBatch(images);

    /// <inheritdoc/>
    public IReadOnlyList<IImageTransform> ForScoring() => [this];

    private Tensor ApplyBatch(Tensor images)
    {
        var (h, w) = ImageFunctional.Size(images);
        var (height, width) = ShorterSide is { } s ? ImageFunctional.ShorterSideSize(h, w, s, MaxSize) : (Height!.Value, Width!.Value);
        return ImageFunctional.Resize(images, height, width, Antialias);
    }
}
