using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Serialization;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// A trainer of image classifiers (an estimator, in ML.NET's terms): <see cref="Fit(ImageDataset, ImagePipeline, IProgress{TrainingProgress}?, CancellationToken)"/>
/// trains a new network on a data set and returns the model; <see cref="Resume"/> continues a run
/// from its checkpoint. This is the engine under the ML.NET face (<c>mlContext.MulticlassClassification.Trainers.CamLoss</c> …,
/// which turn an <c>IDataView</c> into an <see cref="ImageDataset"/> once and the model into ML.NET transformers); the trainers
/// differ only in the loss they minimise.
/// </summary>
public abstract class ImageClassificationTrainer
{
    /// <summary>The checkpoint's file name inside <see cref="ImageClassificationTrainerOptions.CheckpointDirectory"/>.</summary>
    public const string CheckpointFileName = "checkpoint.camloss-ckpt";

    private protected ImageClassificationTrainer(ImageClassificationTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        TrainerOptions = options;
    }

    /// <summary>The trainer's name as recorded in model files: <c>CamLoss</c>, <c>CrossEntropy</c>, <c>Icasc</c> or <c>CcmDistillation</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The options (read when training starts).</summary>
    public ImageClassificationTrainerOptions TrainerOptions { get; }

    /// <summary>Trains on <paramref name="trainingData"/> with no preprocessing but decoding (images must share a size).</summary>
    public ImageClassificationModel Fit(ImageDataset trainingData, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Fit(trainingData, new ImagePipeline(), progress, cancellationToken);

    /// <summary>
    /// Trains a new network on <paramref name="trainingData"/>, preparing every image with
    /// <paramref name="preprocessing"/> (its scoring variant goes with the model).
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; a checkpoint was written when a checkpoint directory is set.</exception>
    /// <exception cref="TorchDeviceUnavailableException"><see cref="ImageClassificationTrainerOptions.Device"/> is Cuda but no CUDA GPU is usable.</exception>
    /// <exception cref="TorchException">libtorch failed (e.g. out of memory); the message is libtorch's first line, with the step it happened in.</exception>
    public ImageClassificationModel Fit(ImageDataset trainingData, ImagePipeline preprocessing, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Train(trainingData, preprocessing, resumeFrom: null, progress, cancellationToken);

    /// <summary>
    /// Continues the run that wrote <paramref name="checkpoint"/> (a checkpoint file or the run's
    /// checkpoint directory): same options, data and preprocessing. On the CPU, with the same
    /// <see cref="ImageClassificationTrainerOptions.Threads"/>, a run that is stopped and resumed ends
    /// with the same weights as one that never stopped: the data order, augmentation, dropout and
    /// learning rate derive from (seed, epoch, step), and the checkpoint holds the weights, the
    /// optimiser's state and the α schedule's.
    /// </summary>
    /// <exception cref="ModelFileException">The checkpoint is missing, damaged, or not a checkpoint.</exception>
    /// <exception cref="ArgumentException">The checkpoint belongs to a run with other options or data.</exception>
    public ImageClassificationModel Resume(string checkpoint, ImageDataset trainingData, ImagePipeline preprocessing, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpoint);
        return Train(trainingData, preprocessing, checkpoint, progress, cancellationToken);
    }

    /// <summary>The objective for a network with <paramref name="numClasses"/> classes on <paramref name="device"/>.</summary>
    internal abstract ITrainingObjective CreateObjective(Device device, int numClasses);

    /// <summary>Whether <see cref="PretrainedWeights.Default"/> starts a ResNet-18 from ImageNet (true but for distillation students).</summary>
    internal virtual bool StartsFromImageNetByDefault => true;

    /// <summary>Rejects a pipeline the objective cannot train with (e.g. batch mixing for ICASC).</summary>
    internal virtual void CheckPipeline(ImagePipeline pipeline)
    {
    }

    /// <summary>The options as JSON, with the derived options' fields.</summary>
    internal JsonObject OptionsJson() => JsonSerializer.SerializeToNode(TrainerOptions, TrainerOptions.GetType(), ManifestJson.Options)!.AsObject();

    /// <summary>Validation metrics (top-5 accuracy, or top-C for fewer classes).</summary>
    internal static Microsoft.ML.Data.MulticlassClassificationMetrics Evaluate(ScoredImageData scored) => scored.Evaluate();

    /// <summary>Rejects Mixup/CutMix for objectives defined on hard labels only.</summary>
    private protected void RejectBatchMixing(ImagePipeline pipeline)
    {
        if (pipeline.BatchTransform is { } mixing)
        {
            throw new ArgumentException(
                $"The {Name} trainer needs one label per image, but the pipeline mixes images with {mixing.GetType().Name.Replace("Transform", string.Empty, StringComparison.Ordinal)}; remove Mixup/CutMix or use the CamLoss or CrossEntropy trainer.",
                nameof(pipeline));
        }
    }

    private ImageClassificationModel Train(ImageDataset trainingData, ImagePipeline preprocessing, string? resumeFrom, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trainingData);
        ArgumentNullException.ThrowIfNull(preprocessing);
        var seed = TrainerOptions.Seed ?? Random.Shared.Next();
        return TorchErrors.Run(
            () =>
            {
                using var run = new TrainingRun(this, trainingData, preprocessing, unchecked((ulong)seed), TrainerOptions.Logger ?? NullLogger.Instance);
                if (resumeFrom is not null)
                {
                    run.Resume(resumeFrom);
                }

                return run.Run(progress, cancellationToken);
            },
            $"{Name} training failed");
    }
}
