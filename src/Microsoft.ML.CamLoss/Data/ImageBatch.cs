using Microsoft.ML.CamLoss.Losses;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// One batch from an <see cref="ImageLoader"/>: images ready for the model and their labels
/// (plus, under Mixup or CutMix, the partner labels and <c>λ</c>). It owns its tensors, which belong
/// to no <see cref="TorchSharp.DisposeScope"/> (they were built on a worker thread, whose scopes are
/// its own): dispose the batch, or move its tensors into a scope of yours.
/// </summary>
public sealed class ImageBatch : IDisposable
{
    internal ImageBatch(int epoch, int index, int[] indices, Tensor images, Tensor labels, Tensor? partnerLabels, double lambda)
    {
        Epoch = epoch;
        Index = index;
        Indices = indices;
        Images = images;
        Labels = labels;
        PartnerLabels = partnerLabels;
        Lambda = lambda;
    }

    /// <summary>The epoch this batch belongs to.</summary>
    public int Epoch { get; }

    /// <summary>Position of the batch in its epoch (0-based).</summary>
    public int Index { get; }

    /// <summary>The data set indices of the images, in batch order (skipped images left out).</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <summary>Number of images.</summary>
    public int Count => Indices.Count;

    /// <summary>float32 <c>[B, C, H, W]</c>, on <see cref="ImageLoaderOptions.Device"/>.</summary>
    public Tensor Images { get; }

    /// <summary>int64 <c>[B]</c> class indices.</summary>
    public Tensor Labels { get; }

    /// <summary>int64 <c>[B]</c>: the class mixed into each image by Mixup/CutMix, or null when the pipeline has no batch mixing.</summary>
    public Tensor? PartnerLabels { get; }

    /// <summary>Weight of each image's own class, <c>λ</c> (1 without mixing).</summary>
    public double Lambda { get; }

    /// <summary>The labels as the losses take them: <c>λ·onehot(Labels) + (1 − λ)·onehot(PartnerLabels)</c>; null without mixing.</summary>
    public MixedLabels? MixedLabels => PartnerLabels is null ? null : new MixedLabels(Labels, PartnerLabels, Lambda);

    /// <summary>Releases the batch's tensors.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
        PartnerLabels?.Dispose();
    }
}
