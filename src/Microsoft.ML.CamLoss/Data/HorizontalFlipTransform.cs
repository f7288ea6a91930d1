using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>Mirrors the image left–right with probability <see cref="Probability"/> (torchvision's <c>RandomHorizontalFlip</c>, default 0.5). Dropped at scoring.</summary>
public sealed class HorizontalFlipTransform : IImageTransform
{
    /// <summary>Flips with probability <paramref name="probability"/>.</summary>
    public HorizontalFlipTransform(double probability = 0.5)
    {
        if (!(probability >= 0 && probability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "The probability must be in [0, 1].");
        }

        Probability = probability;
    }

    /// <summary>Chance of a flip.</summary>
    public double Probability { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor image, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(random);
        return random.NextBool(Probability) ? ImageFunctional.FlipHorizontal(image) : image.alias();
    }

    /// <summary>Flips the whole batch once and picks, per image, the flipped or the original.</summary>
    public Tensor ApplyBatch(Tensor images, IReadOnlyList<SeededRandom> randoms)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(randoms);
        var flip = new bool[randoms.Count];
        for (var b = 0; b < flip.Length; b++)
        {
            flip[b] = randoms[b].NextBool(Probability);
        }

        using var scope = NewDisposeScope();
        var mask = tensor(flip, [flip.Length, 1, 1, 1]);
        return where(mask, ImageFunctional.FlipHorizontal(images), images).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public IReadOnlyList<IImageTransform> ForScoring() => [];
}
