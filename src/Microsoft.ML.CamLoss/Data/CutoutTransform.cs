using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// Cutout (DeVries and Taylor, 2017): sets <see cref="Holes"/> square patches of side
/// <see cref="Size"/> to <see cref="Value"/>; each patch is centred at a uniform pixel
/// <c>(y, x)</c> (<c>y</c> drawn first) and clipped at the borders to
/// <c>[y − ⌊size/2⌋, y + ⌊size/2⌋) × [x − ⌊size/2⌋, x + ⌊size/2⌋)</c>. Put it after
/// normalisation to cut to the mean colour (value 0), as the paper does. Dropped at scoring.
/// </summary>
public sealed class CutoutTransform : IImageTransform
{
    /// <summary>Cuts <paramref name="holes"/> patches of side <paramref name="size"/> (the paper: 16 on CIFAR-10, 8 on CIFAR-100).</summary>
    public CutoutTransform(int size, int holes = 1, double value = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(holes);
        Size = size;
        Holes = holes;
        Value = value;
    }

    /// <summary>Side of each patch in pixels.</summary>
    public int Size { get; }

    /// <summary>Number of patches per image.</summary>
    public int Holes { get; }

    /// <summary>The value written into the patches.</summary>
    public double Value { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor image, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(random);
        var result = image.clone();
        Cut(result, random);
        return result;
    }

    /// <inheritdoc/>
    public Tensor ApplyBatch(Tensor images, IReadOnlyList<SeededRandom> randoms)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(randoms);
        var result = images.clone();
        for (var b = 0; b < randoms.Count; b++)
        {
            using var image = result.select(0, b);
            Cut(image, randoms[b]);
        }

        return result;
    }

    /// <inheritdoc/>
    public IReadOnlyList<IImageTransform> ForScoring() => [];

    /// <summary>The patch <c>(top, left, height, width)</c> for a centre drawn from <paramref name="random"/>.</summary>
    internal (int Top, int Left, int Height, int Width) SamplePatch(int height, int width, SeededRandom random)
    {
        var y = random.NextInt(height);
        var x = random.NextInt(width);
        var half = Size / 2;
        var (y1, y2) = (Math.Clamp(y - half, 0, height), Math.Clamp(y + half, 0, height));
        var (x1, x2) = (Math.Clamp(x - half, 0, width), Math.Clamp(x + half, 0, width));
        return (y1, x1, y2 - y1, x2 - x1);
    }

    private void Cut(Tensor image, SeededRandom random)
    {
        var (h, w) = ImageFunctional.Size(image);
        for (var i = 0; i < Holes; i++)
        {
            var (top, left, ph, pw) = SamplePatch(h, w, random);
            if (ph > 0 && pw > 0)
            {
                using var patch = ImageFunctional.Crop(image, top, left, ph, pw);
                patch.fill_(Value);
            }
        }
    }
}
