using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Pipelines;

/// <summary>
/// A chain of image transforms (an estimator chain in ML.NET's terms). Transforms have nothing to
/// learn: fitting them only fixes the preprocessing, which runs on the loader's worker threads
/// during training and, in its scoring variant (random crops become centre crops, pure
/// augmentation drops out), inside the model. <c>Append</c> a transform to extend the chain, or a
/// trainer to make a trainable <see cref="ImageClassificationPipeline"/>.
/// </summary>
public sealed class ImageTransformEstimator
{
    internal ImageTransformEstimator(ImagePipeline pipeline) => Pipeline = pipeline;

    /// <summary>The transforms as an <see cref="ImagePipeline"/> (training variant).</summary>
    public ImagePipeline Pipeline { get; }

    /// <summary>This chain followed by <paramref name="next"/>'s transforms (a batch mixing in <paramref name="next"/> replaces this one's).</summary>
    public ImageTransformEstimator Append(ImageTransformEstimator next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var pipeline = Pipeline;
        foreach (var transform in next.Pipeline.Transforms)
        {
            pipeline = pipeline.Append(transform);
        }

        return new ImageTransformEstimator(pipeline.WithBatchTransform(next.Pipeline.BatchTransform ?? Pipeline.BatchTransform));
    }

    /// <summary>This preprocessing followed by <paramref name="trainer"/>: a pipeline to <c>Fit</c>.</summary>
    public ImageClassificationPipeline Append(ImageClassificationTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        return new ImageClassificationPipeline(Pipeline, trainer);
    }

    /// <inheritdoc />
    public override string ToString() => Pipeline.ToString();
}
