using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// One description of how images become model input, from which the training and the scoring
/// variants both come: <see cref="ForScoring"/> swaps each random transform for its
/// deterministic stand-in (random crop → centre crop, random resized crop → resize + centre
/// crop) and drops pure augmentation (flip, Cutout, Mixup, CutMix). Immutable: every method
/// returns a new pipeline.
/// </summary>
/// <example>
/// <code>
/// var pipeline = new ImagePipeline()
///     .RandomResizedCrop(224)          // scoring: Resize(256) + CenterCrop(224)
///     .HorizontalFlip()                // scoring: dropped
///     .NormalizeImageNet();
/// var loader = new ImageLoader(train, pipeline, new ImageLoaderOptions { BatchSize = 32, Seed = 1 });
/// var scoring = new ImageLoader(test, pipeline.ForScoring(), new ImageLoaderOptions { BatchSize = 64 });
/// </code>
/// </example>
/// <remarks>
/// Images enter as decoded <c>uint8 [C, H, W]</c> and leave as float32 <c>[C, H, W]</c>: if no
/// transform produced floats, a final ÷ 255 is applied (as <c>ToTensor</c>).
/// </remarks>
public sealed class ImagePipeline
{
    private readonly IImageTransform[] _transforms;

    /// <summary>An empty pipeline (decoding and ÷ 255 only).</summary>
    public ImagePipeline()
        : this([], null, isScoring: false)
    {
    }

    private ImagePipeline(IImageTransform[] transforms, IBatchTransform? batchTransform, bool isScoring)
    {
        _transforms = transforms;
        BatchTransform = batchTransform;
        IsScoring = isScoring;
    }

    /// <summary>The per-image transforms, in order.</summary>
    public IReadOnlyList<IImageTransform> Transforms => _transforms;

    /// <summary>The batch-level mixing (Mixup or CutMix), or null.</summary>
    public IBatchTransform? BatchTransform { get; }

    /// <summary>True for a pipeline made by <see cref="ForScoring"/>: it has no randomness.</summary>
    public bool IsScoring { get; }

    /// <summary>Adds <paramref name="transform"/> at the end.</summary>
    public ImagePipeline Append(IImageTransform transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        return new ImagePipeline([.. _transforms, transform], BatchTransform, IsScoring);
    }

    /// <summary>Sets the batch-level mixing (replacing any before).</summary>
    public ImagePipeline WithBatchTransform(IBatchTransform? transform) => new(_transforms, transform, IsScoring);

    /// <summary>Resizes the shorter side to <paramref name="shorterSide"/> (see <see cref="ResizeTransform"/>).</summary>
    public ImagePipeline Resize(int shorterSide, int? maxSize = null, bool antialias = true) => Append(new ResizeTransform(shorterSide, maxSize, antialias));

    /// <summary>Resizes to exactly <paramref name="height"/> × <paramref name="width"/> (see <see cref="ResizeTransform"/>).</summary>
    public ImagePipeline Resize(int height, int width, bool antialias = true) => Append(new ResizeTransform(height, width, antialias));

    /// <summary>Crops the centre <paramref name="size"/> × <paramref name="size"/> (see <see cref="CenterCropTransform"/>).</summary>
    public ImagePipeline CenterCrop(int size) => Append(new CenterCropTransform(size, size));

    /// <summary>Random <paramref name="size"/> × <paramref name="size"/> crop after padding (see <see cref="RandomCropTransform"/>).</summary>
    public ImagePipeline RandomCrop(int size, int padding = 0, PaddingMode paddingMode = PaddingMode.Constant) =>
        Append(new RandomCropTransform(size, size, padding, paddingMode));

    /// <summary>Random resized crop to <paramref name="size"/> × <paramref name="size"/> (see <see cref="RandomResizedCropTransform"/>).</summary>
    public ImagePipeline RandomResizedCrop(int size, double minScale = 0.08, double maxScale = 1.0) =>
        Append(new RandomResizedCropTransform(size, size, minScale, maxScale));

    /// <summary>Random left–right mirror (see <see cref="HorizontalFlipTransform"/>).</summary>
    public ImagePipeline HorizontalFlip(double probability = 0.5) => Append(new HorizontalFlipTransform(probability));

    /// <summary>Scales uint8 to [0, 1] (see <see cref="ToFloatTransform"/>).</summary>
    public ImagePipeline ToFloat() => Append(ToFloatTransform.Instance);

    /// <summary>Per-channel standardisation (see <see cref="NormalizeTransform"/>).</summary>
    public ImagePipeline Normalize(IReadOnlyList<float> mean, IReadOnlyList<float> std) => Append(new NormalizeTransform(mean, std));

    /// <summary>Standardisation with ImageNet's mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225).</summary>
    public ImagePipeline NormalizeImageNet() => Append(NormalizeTransform.ImageNet);

    /// <summary>Cutout patches (see <see cref="CutoutTransform"/>).</summary>
    public ImagePipeline Cutout(int size, int holes = 1) => Append(new CutoutTransform(size, holes));

    /// <summary>One channel to three (see <see cref="GrayscaleToRgbTransform"/>).</summary>
    public ImagePipeline GrayscaleToRgb() => Append(GrayscaleToRgbTransform.Instance);

    /// <summary>Mixup on every batch (see <see cref="MixupTransform"/>).</summary>
    public ImagePipeline Mixup(double alpha = 1.0, double probability = 1.0) => WithBatchTransform(new MixupTransform(alpha, probability));

    /// <summary>CutMix on every batch (see <see cref="CutMixTransform"/>).</summary>
    public ImagePipeline CutMix(double alpha = 1.0, double probability = 1.0) => WithBatchTransform(new CutMixTransform(alpha, probability));

    /// <summary>The training variant: this pipeline as described.</summary>
    public ImagePipeline ForTraining() => this;

    /// <summary>The scoring variant: every transform's <see cref="IImageTransform.ForScoring"/>, no batch mixing.</summary>
    public ImagePipeline ForScoring() => new([.. _transforms.SelectMany(t => t.ForScoring())], null, isScoring: true);

    /// <summary>Runs the per-image transforms on a <c>[C, H, W]</c> image; returns a new float32 <c>[C, H, W]</c> tensor (the caller owns it).</summary>
    public Tensor Apply(Tensor image, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(random);
        using var scope = NewDisposeScope();
        var x = image;
        foreach (var transform in _transforms)
        {
            x = transform.Apply(x, random);
        }

        return Finish(x, image).MoveToOuterDisposeScope();
    }

    /// <summary>Runs the per-image transforms on a batch <c>[B, C, H, W]</c>, image <c>b</c> drawing from <c>randoms[b]</c>; returns float32.</summary>
    public Tensor ApplyBatch(Tensor images, IReadOnlyList<SeededRandom> randoms)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(randoms);
        if (images.dim() != 4 || images.shape[0] != randoms.Count)
        {
            throw new ArgumentException($"{randoms.Count} random streams for a batch of shape [{string.Join(", ", images.shape)}]; expected [{randoms.Count}, C, H, W].", nameof(randoms));
        }

        using var scope = NewDisposeScope();
        var x = images;
        foreach (var transform in _transforms)
        {
            x = transform.ApplyBatch(x, randoms);
        }

        return Finish(x, images).MoveToOuterDisposeScope();
    }

    /// <summary>Decodes <paramref name="source"/> and runs the per-image transforms; returns float32 <c>[C, H, W]</c>.</summary>
    /// <exception cref="DatasetException">The image cannot be read or decoded, or declares more than <see cref="ImageDecoding.DefaultMaxPixels"/> pixels.</exception>
    public Tensor Apply(ImageSource source, SeededRandom random) => Apply(source, random, ImageDecoding.DefaultMaxPixels);

    /// <summary>Decodes <paramref name="source"/> (refusing more than <paramref name="maxPixels"/> pixels) and runs the per-image transforms; returns float32 <c>[C, H, W]</c>.</summary>
    /// <exception cref="DatasetException">The image cannot be read or decoded, or declares more than <paramref name="maxPixels"/> pixels.</exception>
    public Tensor Apply(ImageSource source, SeededRandom random, long maxPixels)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(random);
        using var scope = NewDisposeScope();
        var hwc = ImageDecoding.DecodeRgb(source, maxPixels);
        return Apply(hwc.permute(2, 0, 1), random).MoveToOuterDisposeScope();
    }

    /// <summary>The pipeline's output: <paramref name="x"/> when the transforms already made a new float32 tensor, otherwise <paramref name="x"/> ÷ 255 as float32.</summary>
    private static Tensor Finish(Tensor x, Tensor input) =>
        x.dtype == ScalarType.Float32 && !ReferenceEquals(x, input) ? x : ImageFunctional.ToFloat(x);

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join(" → ", _transforms.Select(t => t.GetType().Name.Replace("Transform", string.Empty, StringComparison.Ordinal))
            .Append(BatchTransform?.GetType().Name.Replace("Transform", string.Empty, StringComparison.Ordinal) ?? string.Empty)
            .Where(s => s.Length > 0));
}
