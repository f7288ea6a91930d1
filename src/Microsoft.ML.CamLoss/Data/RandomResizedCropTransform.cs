using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// Random crop of random area and aspect ratio, resized to <c>height × width</c> (torchvision's
/// <c>RandomResizedCrop</c>, same parameter algorithm): up to 10 tries of area fraction
/// <c>s ~ U(scale)</c> and <c>log r ~ U(log ratio)</c>, <c>w = round(√(s·A·r))</c>,
/// <c>h = round(√(s·A / r))</c>, accepted when it fits, at a uniform position; otherwise the
/// central crop with the ratio clamped into range. Defaults: scale (0.08, 1), ratio (3/4, 4/3),
/// antialiased bilinear. Scoring variant: resize the shorter side to <see cref="ScoringResize"/>
/// then centre-crop (the usual 256 → 224 evaluation).
/// </summary>
public sealed class RandomResizedCropTransform : IImageTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="height">Output height.</param>
    /// <param name="width">Output width.</param>
    /// <param name="minScale">Smallest area fraction (default 0.08).</param>
    /// <param name="maxScale">Largest area fraction (default 1).</param>
    /// <param name="minRatio">Smallest width/height ratio (default 3/4).</param>
    /// <param name="maxRatio">Largest width/height ratio (default 4/3).</param>
    /// <param name="antialias">Low-pass filter when shrinking (default true).</param>
    /// <param name="scoringResize">Shorter side before the scoring centre crop; default <c>int(max(height, width) / 0.875)</c> (256 for 224).</param>
    public RandomResizedCropTransform(
        int height, int width, double minScale = 0.08, double maxScale = 1.0, double minRatio = 3.0 / 4, double maxRatio = 4.0 / 3, bool antialias = true, int? scoringResize = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (!(minScale > 0 && minScale <= maxScale) || !(minRatio > 0 && minRatio <= maxRatio))
        {
            throw new ArgumentException($"Need 0 < minScale ≤ maxScale and 0 < minRatio ≤ maxRatio; got scale ({minScale}, {maxScale}), ratio ({minRatio}, {maxRatio}).");
        }

        Height = height;
        Width = width;
        MinScale = minScale;
        MaxScale = maxScale;
        MinRatio = minRatio;
        MaxRatio = maxRatio;
        Antialias = antialias;
        ScoringResize = scoringResize ?? (int)(Math.Max(height, width) / 0.875);
    }

    /// <summary>Output height.</summary>
    public int Height { get; }

    /// <summary>Output width.</summary>
    public int Width { get; }

    /// <summary>Smallest area fraction.</summary>
    public double MinScale { get; }

    /// <summary>Largest area fraction.</summary>
    public double MaxScale { get; }

    /// <summary>Smallest width/height ratio.</summary>
    public double MinRatio { get; }

    /// <summary>Largest width/height ratio.</summary>
    public double MaxRatio { get; }

    /// <summary>Whether shrinking is antialiased.</summary>
    public bool Antialias { get; }

    /// <summary>The shorter side the scoring variant resizes to before its centre crop.</summary>
    public int ScoringResize { get; }

    /// <summary>The crop window <c>(top, left, height, width)</c> for an <paramref name="imageHeight"/> × <paramref name="imageWidth"/> image (torchvision's <c>get_params</c>).</summary>
    public (int Top, int Left, int Height, int Width) SampleWindow(int imageHeight, int imageWidth, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double area = imageHeight * imageWidth;
        var (logMin, logMax) = (Math.Log(MinRatio), Math.Log(MaxRatio));
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var target = area * random.Uniform(MinScale, MaxScale);
            var ratio = Math.Exp(random.Uniform(logMin, logMax));
            var w = (int)Math.Round(Math.Sqrt(target * ratio), MidpointRounding.ToEven);
            var h = (int)Math.Round(Math.Sqrt(target / ratio), MidpointRounding.ToEven);
            if (w > 0 && w <= imageWidth && h > 0 && h <= imageHeight)
            {
                var top = random.NextInt(imageHeight - h + 1);
                var left = random.NextInt(imageWidth - w + 1);
                return (top, left, h, w);
            }
        }

        var inRatio = (double)imageWidth / imageHeight;
        var (ch, cw) = inRatio < MinRatio ? ((int)Math.Round(imageWidth / MinRatio, MidpointRounding.ToEven), imageWidth)
            : inRatio > MaxRatio ? (imageHeight, (int)Math.Round(imageHeight * MaxRatio, MidpointRounding.ToEven))
            : (imageHeight, imageWidth);
        return ((imageHeight - ch) / 2, (imageWidth - cw) / 2, ch, cw);
    }

    /// <inheritdoc/>
    public Tensor Apply(Tensor image, SeededRandom random)
    {
        var (h, w) = ImageFunctional.Size(image);
        var (top, left, ch, cw) = SampleWindow(h, w, random);
        using var crop = ImageFunctional.Crop(image, top, left, ch, cw);
        return ImageFunctional.Resize(crop, Height, Width, Antialias);
    }

    /// <inheritdoc/>
    public IReadOnlyList<IImageTransform> ForScoring() => [new ResizeTransform(ScoringResize, antialias: Antialias), new CenterCropTransform(Height, Width)];
}
