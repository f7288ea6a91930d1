using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// A per-image transform on <c>[C, H, W]</c> tensors (uint8 or float32), seeded: all its
/// randomness comes from the <see cref="SeededRandom"/> it is given, so the same stream gives
/// the same output. Geometric transforms keep the element type, as torchvision's tensor
/// transforms do (uint8 results are rounded).
/// </summary>
public interface IImageTransform
{
    /// <summary>Transforms one image. Returns a new tensor (possibly a view of the input) that the caller owns; never changes the input.</summary>
    /// <param name="image">The image, <c>[C, H, W]</c>.</param>
    /// <param name="random">The sample's random stream.</param>
    Tensor Apply(Tensor image, SeededRandom random);

    /// <summary>
    /// Transforms a batch <c>[B, C, H, W]</c> of equally sized images, drawing from
    /// <c>randoms[b]</c> for image <c>b</c> exactly what <see cref="Apply"/> would, so batch and
    /// single-image results are equal. The default applies <see cref="Apply"/> per image and stacks.
    /// </summary>
    Tensor ApplyBatch(Tensor images, IReadOnlyList<SeededRandom> randoms)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(randoms);
        using var scope = NewDisposeScope();
        var outputs = new Tensor[randoms.Count];
        for (var b = 0; b < outputs.Length; b++)
        {
            outputs[b] = Apply(images.select(0, b), randoms[b]);
        }

        return stack(outputs).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// What this transform becomes in the scoring variant of a pipeline: itself when it is
    /// deterministic, nothing (an empty list) for pure augmentation such as a flip, or a
    /// deterministic stand-in (a random crop becomes a centre crop).
    /// </summary>
    IReadOnlyList<IImageTransform> ForScoring();
}
