using Microsoft.Extensions.Logging;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.TrainingHost;

/// <summary>
/// The reproducible run the resume tests interrupt (fixed seed and thread count): CAM-loss on ResNet-8
/// at 32×32 with random crops, flips, warm-up and cosine decay, so that every piece of state a resume
/// must restore (weights, BN statistics, momentum, schedule position, α, data order, augmentation) matters.
/// </summary>
public static class ResumeScenario
{
    /// <summary>Epochs of the run.</summary>
    public const int Epochs = 4;

    /// <summary>The precision of the scenario unless a test asks for another: fp32, so that it runs alike on every CPU.</summary>
    public const TrainingPrecision DefaultPrecision = TrainingPrecision.Fp32;

    /// <summary>The preprocessing: resize to 36×36, random 32×32 crop, horizontal flip, ImageNet normalisation.</summary>
    public static ImagePipeline Preprocessing { get; } = new ImagePipeline().Resize(36, 36).RandomCrop(32).HorizontalFlip().NormalizeImageNet();

    /// <summary>
    /// The trainer (seed 7, one libtorch thread), writing checkpoints to <paramref name="checkpointDirectory"/>, training in
    /// <paramref name="precision"/>, logging to <paramref name="logger"/> (default none).
    /// </summary>
    public static CamLossImageClassificationTrainer Trainer(string checkpointDirectory, TrainingPrecision precision = DefaultPrecision, ILogger? logger = null) =>
        new(new CamLossImageClassificationTrainer.Options
        {
            Architecture = Architecture.ResNet8,
            Epochs = Epochs,
            BatchSize = 32,
            LearningRate = 0.05,
            WarmupEpochs = 1,
            Nesterov = true,
            CamLossStartEpoch = 1,
            Seed = 7,
            Threads = 1,   // the same in the child process and the test process, whatever the machine or other tests set
            CheckpointDirectory = checkpointDirectory,
            ProgressInterval = 2,
            Precision = precision,
            Logger = logger,
        });

    /// <summary>The training data: flowers12's 240 test images (small, so a run takes seconds).</summary>
    public static ImageDataset Data(string flowers12) => ImageFolder.Load(Path.Combine(flowers12, "test"));
}
