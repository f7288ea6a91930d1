using System.Globalization;
using System.Text;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// A progress report: every <see cref="ImageClassificationTrainerOptions.ProgressInterval"/> steps
/// and at every epoch end (<see cref="IsEpochEnd"/>, with validation metrics when there is a
/// validation set). Losses and accuracy are running means over the epoch so far.
/// </summary>
public sealed record TrainingProgress
{
    /// <summary>The epoch, 0-based (as the α schedule counts).</summary>
    public required int Epoch { get; init; }

    /// <summary>Epochs in the run.</summary>
    public required int Epochs { get; init; }

    /// <summary>Steps done in this epoch.</summary>
    public required int Step { get; init; }

    /// <summary>Steps per epoch.</summary>
    public required int StepsPerEpoch { get; init; }

    /// <summary>Whether this report closes its epoch.</summary>
    public required bool IsEpochEnd { get; init; }

    /// <summary>The running mean of the total loss.</summary>
    public required double Loss { get; init; }

    /// <summary>The running mean of each loss term by name (e.g. <c>cross_entropy</c>, <c>cam</c>).</summary>
    public required IReadOnlyDictionary<string, double> Terms { get; init; }

    /// <summary>The CAM-loss weight α of this epoch (0 before the start epoch); NaN for trainers without one.</summary>
    public required double Alpha { get; init; }

    /// <summary>The backbone's learning rate at the last step.</summary>
    public required double LearningRate { get; init; }

    /// <summary>Training accuracy so far this epoch (against the primary label when batches are mixed).</summary>
    public required double TrainAccuracy { get; init; }

    /// <summary>Validation metrics, at epoch ends with a validation set; otherwise null.</summary>
    public Microsoft.ML.Data.MulticlassClassificationMetrics? Validation { get; init; }

    /// <summary>Training throughput this epoch.</summary>
    public required double ImagesPerSecond { get; init; }

    /// <summary>Time since the run (or its resume) started.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Estimated time to the end of the last epoch, from this session's pace.</summary>
    public required TimeSpan EstimatedRemaining { get; init; }

    /// <summary>
    /// The precision the steps compute in: <see cref="TrainingPrecision.Fp32"/>, <see cref="TrainingPrecision.Bf16"/>
    /// or <see cref="TrainingPrecision.Fp16"/> (what <see cref="TrainingPrecision.Auto"/> resolved to); default Fp32.
    /// </summary>
    public TrainingPrecision Precision { get; init; } = TrainingPrecision.Fp32;

    /// <summary>The float16 loss scale after the last step (see <see cref="TrainingPrecision.Fp16"/>); null in fp32 and bf16.</summary>
    public double? LossScale { get; init; }

    /// <summary>One line: <c>epoch 3/30 step 40/94 loss 1.234 (cross_entropy 1.1, cam 0.04) α 3 lr 0.0950 acc 61.2% val 58.0% 812 img/s bf16 ETA 0:12:31</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"epoch {Epoch + 1}/{Epochs} step {Step}/{StepsPerEpoch} loss {Loss:F4}");
        if (Terms.Count > 1)
        {
            text.Append(" (").AppendJoin(", ", Terms.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Key} {t.Value:F4}"))).Append(')');
        }

        if (!double.IsNaN(Alpha))
        {
            text.Append(CultureInfo.InvariantCulture, $" α {Alpha:G4}");
        }

        text.Append(CultureInfo.InvariantCulture, $" lr {LearningRate:G4} acc {TrainAccuracy:P1}");
        if (Validation is { } validation)
        {
            text.Append(CultureInfo.InvariantCulture, $" val {validation.MicroAccuracy:P1}");
        }

        text.Append(CultureInfo.InvariantCulture, $" {ImagesPerSecond:F0} img/s {PrecisionChoice.NameOf(Precision)}");
        if (LossScale is { } scale)
        {
            text.Append(CultureInfo.InvariantCulture, $" (loss scale {scale:G6})");
        }

        return text.Append(CultureInfo.InvariantCulture, $" ETA {EstimatedRemaining:h\\:mm\\:ss}").ToString();
    }
}
