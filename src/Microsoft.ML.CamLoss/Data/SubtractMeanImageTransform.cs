using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// Caffe/CNTK-style input preparation: pixel values on the 0–255 scale minus a per-pixel mean image,
/// <c>y[c, h, w] = x[c, h, w] − M[c, h, w]</c>, with no division by a standard deviation. uint8 input is
/// used as it is (0–255); float32 input is taken to be [0, 1] (as every transform of this library
/// produces) and multiplied by 255 first. Output float32. An image of another size than the mean
/// image gets the mean image resized to its size (bilinear, antialiased when shrinking), which at
/// the mean image's own size is exactly the original preprocessing.
/// </summary>
/// <remarks>
/// This is the preprocessing of the ImageNet ResNet-18 in <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>
/// (its <c>ResNetPreprocess.onnx</c> subtracts a 224×224 mean image); see
/// <see cref="Models.ImageNetWeights.ResNet18Preprocessing"/>. A whole mean image rather than per-channel
/// means because that is what the weights were trained with: replacing it with its channel averages moves
/// the 512 pooled features by 2–4 % of their norm. The mean image is kept in managed memory; the
/// resized copies for other sizes are cached.
/// </remarks>
public sealed class SubtractMeanImageTransform : IImageTransform
{
    private readonly float[] _mean;
    private readonly ConcurrentDictionary<(int Height, int Width), float[]> _resized = new();

    /// <summary>Subtracts <paramref name="meanImage"/>, <c>[channels, height, width]</c> row-major, on the 0–255 scale.</summary>
    /// <exception cref="ArgumentException">The sizes are not positive, the values do not fill them, or a value is not finite.</exception>
    public SubtractMeanImageTransform(IReadOnlyList<float> meanImage, int channels, int height, int width)
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

        _mean = [.. meanImage];
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

    /// <inheritdoc/>
    public Tensor Apply(Tensor image, SeededRandom random) => Subtract(image);

    /// <inheritdoc/>
    public Tensor ApplyBatch(Tensor images, IReadOnlyList<SeededRandom> randoms) => Subtract(images);

    /// <inheritdoc/>
    public IReadOnlyList<IImageTransform> ForScoring() => [this];

    private Tensor Subtract(Tensor image)
    {
        var (height, width) = ImageFunctional.Size(image);
        if (image.shape[^3] != Channels)
        {
            throw new ArgumentException($"The mean image has {Channels} channels but the image has {image.shape[^3]}.", nameof(image));
        }

        using var scope = NewDisposeScope();
        var x = image.dtype == ScalarType.Byte ? image.to(ScalarType.Float32) : image.to(ScalarType.Float32).mul(255f);
        var mean = tensor(MeanFor(height, width), [Channels, height, width], device: image.device);
        return x.sub(mean).MoveToOuterDisposeScope();
    }

    private float[] MeanFor(int height, int width) => _resized.GetOrAdd((height, width), size =>
    {
        using var scope = NewDisposeScope();
        var original = tensor(_mean, [Channels, Height, Width]);
        return ImageFunctional.Resize(original, size.Height, size.Width).contiguous().data<float>().ToArray();
    });
}
