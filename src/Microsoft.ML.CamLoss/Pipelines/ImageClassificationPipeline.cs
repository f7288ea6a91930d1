using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Pipelines;

/// <summary>Preprocessing followed by a trainer: <see cref="Fit"/> trains and returns the fitted chain as an <see cref="ImageClassificationModel"/>.</summary>
public sealed class ImageClassificationPipeline
{
    internal ImageClassificationPipeline(ImagePipeline preprocessing, ImageClassificationTrainer trainer)
    {
        Preprocessing = preprocessing;
        Trainer = trainer;
    }

    /// <summary>The preprocessing (training variant).</summary>
    public ImagePipeline Preprocessing { get; }

    /// <summary>The trainer.</summary>
    public ImageClassificationTrainer Trainer { get; }

    /// <summary>Trains on <paramref name="trainingData"/>; see <see cref="ImageClassificationTrainer.Fit(ImageDataset, ImagePipeline, IProgress{TrainingProgress}?, CancellationToken)"/>.</summary>
    public ImageClassificationModel Fit(ImageDataset trainingData, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Trainer.Fit(trainingData, Preprocessing, progress, cancellationToken);

    /// <summary>Continues the run that wrote <paramref name="checkpoint"/>; see <see cref="ImageClassificationTrainer.Resume"/>.</summary>
    public ImageClassificationModel Resume(string checkpoint, ImageDataset trainingData, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Trainer.Resume(checkpoint, trainingData, Preprocessing, progress, cancellationToken);
}
