using Microsoft.ML.CamLoss.Losses;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// A batch-level augmentation that mixes images across the batch (Mixup, CutMix) and so emits
/// mixed soft labels for the losses. Training only: scoring pipelines drop it.
/// </summary>
public interface IBatchTransform
{
    /// <summary>Mixes a batch. Returns new images; never changes the inputs.</summary>
    /// <param name="images">float32 <c>[B, C, H, W]</c>.</param>
    /// <param name="labels">int64 <c>[B]</c> class indices (the <see cref="MixedLabels.First"/> classes).</param>
    /// <param name="random">The batch's random stream.</param>
    /// <param name="partnerLabels">int64 <c>[B]</c>: the class of the image mixed into each (the <see cref="MixedLabels.Second"/> classes); new, owned by the caller.</param>
    /// <param name="lambda">The weight <c>λ</c> of each image's own class (1 when the batch was not mixed).</param>
    Tensor Apply(Tensor images, Tensor labels, SeededRandom random, out Tensor partnerLabels, out double lambda);
}
