using Microsoft.ML.CamLoss.Data;

namespace Microsoft.ML.CamLoss.Pipelines;

/// <summary>Image transforms as estimators (see <c>CamLossContext.Transforms</c>). Each returns a one-step chain to <c>Append</c>.</summary>
public sealed class TransformsCatalog
{
    internal TransformsCatalog()
    {
    }

    /// <summary>The start of a chain: images are decoded (JPEG, PNG, BMP, WebP; EXIF-rotated) to 8-bit RGB as they are read.</summary>
    public ImageTransformEstimator LoadImages() => new(new ImagePipeline());

    /// <summary>Resizes to exactly <paramref name="height"/> × <paramref name="width"/> (bilinear, antialiased when shrinking).</summary>
    public ImageTransformEstimator ResizeImages(int height, int width, bool antialias = true) => One(new ResizeTransform(height, width, antialias));

    /// <summary>Resizes so the shorter side is <paramref name="shorterSide"/>, keeping the aspect ratio (torchvision's <c>Resize(int)</c>).</summary>
    public ImageTransformEstimator ResizeShorterSide(int shorterSide, int? maxSize = null, bool antialias = true) => One(new ResizeTransform(shorterSide, maxSize, antialias));

    /// <summary>Crops the centre <paramref name="height"/> × <paramref name="width"/>.</summary>
    public ImageTransformEstimator CenterCrop(int height, int width) => One(new CenterCropTransform(height, width));

    /// <summary>Training: a random <paramref name="height"/> × <paramref name="width"/> crop after padding by <paramref name="padding"/>; scoring: the centre crop.</summary>
    public ImageTransformEstimator RandomCrop(int height, int width, int padding = 0, PaddingMode paddingMode = PaddingMode.Constant) =>
        One(new RandomCropTransform(height, width, padding, paddingMode));

    /// <summary>Training: a random area/aspect crop resized to <paramref name="size"/>² (Inception-style); scoring: resize to size/0.875 and centre crop.</summary>
    public ImageTransformEstimator RandomResizedCrop(int size, double minScale = 0.08, double maxScale = 1.0) =>
        One(new RandomResizedCropTransform(size, size, minScale, maxScale));

    /// <summary>Training: mirrors left-right with probability <paramref name="probability"/> (default 0.5); scoring: nothing.</summary>
    public ImageTransformEstimator HorizontalFlip(double probability = 0.5) => One(new HorizontalFlipTransform(probability));

    /// <summary>Scales to [0, 1] and normalises each channel: <c>(x − mean) / std</c>.</summary>
    public ImageTransformEstimator Normalize(IReadOnlyList<float> mean, IReadOnlyList<float> std) => One(new NormalizeTransform(mean, std));

    /// <summary>Scales to [0, 1] and normalises with ImageNet's mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225).</summary>
    public ImageTransformEstimator NormalizeImageNet() => One(NormalizeTransform.ImageNet);

    /// <summary>Training: blanks <paramref name="holes"/> random squares of side <paramref name="size"/> (Cutout); scoring: nothing.</summary>
    public ImageTransformEstimator Cutout(int size, int holes = 1) => One(new CutoutTransform(size, holes));

    /// <summary>Repeats a grey channel three times (backbones take RGB).</summary>
    public ImageTransformEstimator GrayscaleToRgb() => One(GrayscaleToRgbTransform.Instance);

    /// <summary>Training: Mixup of each batch with itself permuted, λ ~ Beta(α, α); scoring: nothing.</summary>
    public ImageTransformEstimator Mixup(double alpha = 1.0, double probability = 1.0) => new(new ImagePipeline().Mixup(alpha, probability));

    /// <summary>Training: CutMix of each batch, λ ~ Beta(α, α); scoring: nothing.</summary>
    public ImageTransformEstimator CutMix(double alpha = 1.0, double probability = 1.0) => new(new ImagePipeline().CutMix(alpha, probability));

    private static ImageTransformEstimator One(IImageTransform transform) => new(new ImagePipeline().Append(transform));
}
