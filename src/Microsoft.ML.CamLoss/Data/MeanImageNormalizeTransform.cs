using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// Normalisation with a per-pixel mean image: <c>y[c, h, w] = (x[c, h, w] − M[c, h, w]) / std[c]</c> on
/// pixel values 0–255 (Caffe/CNTK-style preparation, with a scale). uint8 input is used as it is (0–255);
/// float32 input is taken to be [0, 1] (as every transform of this library produces) and multiplied by
/// 255 first. Output float32. An image of another size than the mean image gets the mean image resized
/// to its size (bilinear, antialiased when shrinking), which at the mean image's own size is exactly the
/// original preparation.
/// </summary>
/// <remarks>
/// This is the preprocessing of the ImageNet ResNet-18 in <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>
/// (its <c>ResNetPreprocess.onnx</c> subtracts a 224×224 mean image); see
/// <see cref="Models.ImageNetWeights.ResNet18Preprocessing"/>. A whole mean image rather than per-channel
/// means because that is what the weights were trained with: replacing it with its channel averages moves
/// the 512 pooled features by 2–4 % of their norm. The mean image is kept in managed memory; the
/// resized copies for other sizes are cached.
/// </remarks>
public sealed class MeanImageNormalizeTransform : IImageTransform
{
    private readonly float[] _mean;
    private readonly float[] _std;
    private readonly ConcurrentDictionary<(int Height, int Width), float[]> _resized = new();

    /// <summary>
    /// Subtracts <paramref name="meanImage"/>, <c>[channels, height, width]</c> row-major on the 0–255 scale, and
    /// divides channel c by <paramref name="std"/>[c] (also on the 0–255 scale; null: 1, no division).
    /// </summary>
    /// <exception cref="ArgumentException">The sizes are not positive, the values do not fill them, a value is not finite, or a std is not positive.</exception>
    public MeanImageNormalizeTransform(IReadOnlyList<float> meanImage, int channels, int height, int width, IReadOnlyList<float>? std = null)
    {
        ArgumentNullException.ThrowIfNull(meanImage);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (meanImage.Count != (long)channels * height * width)
        {
            throw new ArgumentException($"A {channels}×{height}×{width} mean image has {(long)channels * height * width} values; got {meanImage.Count}.", nameof(meanImage));
        }

        if (meanImage.Any(v => !float.IsFinite(v)))
        {
            throw new ArgumentException("The mean image has a value that is not finite.", nameof(meanImage));
        }

        if (std is not null && (std.Count != channels || std.Any(s => !(s > 0) || !float.IsFinite(s))))
        {
            throw new ArgumentException($"Need one positive, finite std per channel ({channels}); got [{string.Join(", ", std)}].", nameof(std));
        }

        _mean = [.. meanImage];
        _std = std is null ? [.. Enumerable.Repeat(1f, channels)] : [.. std];
        (Channels, Height, Width) = (channels, height, width);
        _resized[(height, width)] = _mean;
    }

    /// <summary>Channels of the mean image (and of the images it applies to).</summary>
    public int Channels { get; }

    /// <summary>Height of the mean image.</summary>
    public int Height { get; }

    /// <summary>Width of the mean image.</summary>
    public int Width { get; }

    /// <summary>The mean image, <c>[Channels, Height, Width]</c> row-major, on the 0–255 scale.</summary>
    public IReadOnlyList<float> MeanImage => _mean;

    /// <summary>The divisor of each channel, on the 0–255 scale (1: none).</summary>
    public IReadOnlyList<float> Std => _std;

    /// <inheritdoc/>
    public Tensor Apply(Tensor image, SeededRandom random) => Normalize(image);

    /// <inheritdoc/>
    public Tensor ApplyBatch(Tensor images, IReadOnlyList<SeededRandom> randoms) => Normalize(images);

    /// <inheritdoc/>
    public IReadOnlyList<IImageTransform> ForScoring() => [this];

    /// <summary>Whether <paramref name="other"/> has the same mean image and std.</summary>
    public bool SameAs(MeanImageNormalizeTransform other) =>
        ReferenceEquals(this, other) || (other is not null && other.Channels == Channels && other.Height == Height && other.Width == Width && other._std.AsSpan().SequenceEqual(_std) && other._mean.AsSpan().SequenceEqual(_mean));

    private Tensor Normalize(Tensor image)
    {
        var (height, width) = ImageFunctional.Size(image);
        if (image.shape[^3] != Channels)
        {
            throw new ArgumentException($"The mean image has {Channels} channels but the image has {image.shape[^3]}.", nameof(image));
        }

        using var scope = NewDisposeScope();
        using var scale = 255f.ToScalar();   // explicit and alive through the call (see ImageFunctional.ToFloat)
        var x = image.dtype == ScalarType.Byte ? image.to(ScalarType.Float32) : image.to(ScalarType.Float32).mul(scale);
        var mean = tensor(MeanFor(height, width), [Channels, height, width], device: image.device);
        var std = tensor(_std, [Channels, 1, 1], device: image.device);
        return x.sub(mean).div_(std).MoveToOuterDisposeScope();
    }

    /// <summary>The mean image resized to <paramref name="height"/> × <paramref name="width"/>, <c>[Channels, height, width]</c> row-major (the one <see cref="Apply"/> subtracts; the ONNX export writes it into the graph).</summary>
    internal float[] MeanFor(int height, int width) => _resized.GetOrAdd((height, width), size =>
    {
        using var scope = NewDisposeScope();
        var original = tensor(_mean, [Channels, Height, Width]);
        return ImageFunctional.Resize(original, size.Height, size.Width).contiguous().data<float>().ToArray();
    });
}
