namespace Microsoft.ML.CamLoss.Training;

/// <summary>What one finished epoch measured; the model and checkpoints keep the whole history.</summary>
/// <param name="Epoch">The epoch, 0-based.</param>
/// <param name="Loss">Mean total loss.</param>
/// <param name="Terms">Mean of each loss term.</param>
/// <param name="Alpha">The CAM-loss weight used (NaN for trainers without one).</param>
/// <param name="LearningRate">The backbone's learning rate at the epoch's last step.</param>
/// <param name="TrainAccuracy">Training accuracy over the epoch.</param>
/// <param name="ValidationAccuracy">Validation MicroAccuracy, or null without a validation set.</param>
/// <param name="ValidationLogLoss">Validation LogLoss, or null without a validation set.</param>
/// <param name="Seconds">Wall time of the epoch (training and validation).</param>
/// <param name="ImagesPerSecond">Training throughput.</param>
public sealed record EpochSummary(
    int Epoch,
    double Loss,
    IReadOnlyDictionary<string, double> Terms,
    double Alpha,
    double LearningRate,
    double TrainAccuracy,
    double? ValidationAccuracy,
    double? ValidationLogLoss,
    double Seconds,
    double ImagesPerSecond);
