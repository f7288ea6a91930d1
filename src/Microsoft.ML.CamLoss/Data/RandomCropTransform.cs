using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// Random <c>height × width</c> crop after padding every side by <c>padding</c> (torchvision's
/// <c>RandomCrop(size, padding)</c>; the CIFAR recipe is 32 with padding 4): the top-left corner
/// is uniform over the valid positions, <c>top ~ U{0 … H + 2p − height}</c> then
/// <c>left ~ U{0 … W + 2p − width}</c>. Scoring variant: a centre crop of the same size (no padding).
/// </summary>
public sealed class RandomCropTransform : IImageTransform
{
    /// <summary>Crops <paramref name="height"/> × <paramref name="width"/> after padding by <paramref name="padding"/>.</summary>
    /// <param name="height">Output height.</param>
    /// <param name="width">Output width.</param>
    /// <param name="padding">Pixels added to every side first (default 0).</param>
    /// <param name="paddingMode">How the padding is filled (default zeros).</param>
    public RandomCropTransform(int height, int width, int padding = 0, PaddingMode paddingMode = PaddingMode.Constant)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        Height = height;
        Width = width;
        Padding = padding;
        PaddingMode = paddingMode;
    }

    /// <summary>Output height.</summary>
    public int Height { get; }

    /// <summary>Output width.</summary>
    public int Width { get; }

    /// <summary>Pixels added to every side before cropping.</summary>
    public int Padding { get; }

    /// <summary>How the padding is filled.</summary>
    public PaddingMode PaddingMode { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor image, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        using var scope = NewDisposeScope();
        var padded = Pad(image);
        var (top, left) = Corner(padded, random);
        return ImageFunctional.Crop(padded, top, left, Height, Width).MoveToOuterDisposeScope();
    }

    /// <summary>Pads the whole batch once, then takes each image's window (a view) and stacks them.</summary>
    public Tensor ApplyBatch(Tensor images, IReadOnlyList<SeededRandom> randoms)
    {
        ArgumentNullException.ThrowIfNull(randoms);
        using var scope = NewDisposeScope();
        var padded = Pad(images);
        var crops = new Tensor[randoms.Count];
        for (var b = 0; b < crops.Length; b++)
        {
            var (top, left) = Corner(padded, randoms[b]);
            crops[b] = ImageFunctional.Crop(padded.select(0, b), top, left, Height, Width);
        }

        return stack(crops).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public IReadOnlyList<IImageTransform> ForScoring() => [new CenterCropTransform(Height, Width)];

    private Tensor Pad(Tensor image) =>
        Padding == 0 ? image.alias() : ImageFunctional.Pad(image, Padding, PaddingMode);

    private (int Top, int Left) Corner(Tensor padded, SeededRandom random)
    {
        var (h, w) = ImageFunctional.Size(padded);
        if (h < Height || w < Width)
        {
            throw new ArgumentException($"RandomCrop {Height}×{Width} is larger than the padded image {h}×{w}.", nameof(padded));
        }

        var top = random.NextInt(h - Height + 1);
        var left = random.NextInt(w - Width + 1);
        return (top, left);
    }
}
