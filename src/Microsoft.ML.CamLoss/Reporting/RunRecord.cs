using System.Text.Json.Nodes;

namespace Microsoft.ML.CamLoss.Reporting;

/// <summary>One line of <c>training.jsonl</c> (see <c>Training/RunLog.cs</c> for the keys).</summary>
/// <param name="IsEpochEnd">True for <c>"type": "epoch"</c>, the report that closes an epoch.</param>
/// <param name="Epoch">The epoch, 0-based.</param>
/// <param name="Step">Steps done in the epoch.</param>
/// <param name="StepsPerEpoch">Steps per epoch.</param>
/// <param name="Loss">Running mean of the total loss over the epoch so far.</param>
/// <param name="Terms">Running mean of each loss term.</param>
/// <param name="Alpha">The CAM-loss weight, or null for trainers without one.</param>
/// <param name="LearningRate">The backbone's learning rate.</param>
/// <param name="TrainAccuracy">Training accuracy over the epoch so far.</param>
/// <param name="ImagesPerSecond">Throughput.</param>
/// <param name="ElapsedSeconds">Seconds since the run (or its resume) started.</param>
/// <param name="Time">UTC time the line was written (ISO 8601), when given.</param>
/// <param name="Validation">Validation metrics at an epoch end with a validation set.</param>
internal sealed record RunRecord(
    bool IsEpochEnd,
    int Epoch,
    int Step,
    int StepsPerEpoch,
    double? Loss,
    IReadOnlyDictionary<string, double?> Terms,
    double? Alpha,
    double? LearningRate,
    double? TrainAccuracy,
    double? ImagesPerSecond,
    double? ElapsedSeconds,
    string? Time,
    JsonObject? Validation)
{
    /// <summary>Where in training the record sits, in epochs: <c>epoch + step / stepsPerEpoch</c> (so the end of the first epoch is 1).</summary>
    public double Position => Epoch + (StepsPerEpoch > 0 ? (double)Step / StepsPerEpoch : 1);

    /// <summary>Reads one parsed line; null when it lacks the epoch or step.</summary>
    public static RunRecord? FromJson(JsonObject json)
    {
        if (JsonRead.Number(json["epoch"]) is not { } epoch || JsonRead.Number(json["step"]) is not { } step)
        {
            return null;
        }

        var terms = (json["terms"] as JsonObject ?? []).ToDictionary(t => t.Key, t => JsonRead.Number(t.Value), StringComparer.Ordinal);
        return new RunRecord(
            string.Equals(JsonRead.Text(json["type"]), "epoch", StringComparison.Ordinal),
            (int)epoch,
            (int)step,
            (int)(JsonRead.Number(json["stepsPerEpoch"]) ?? 0),
            JsonRead.Number(json["loss"]),
            terms,
            JsonRead.Number(json["alpha"]),
            JsonRead.Number(json["learningRate"]),
            JsonRead.Number(json["trainAccuracy"]),
            JsonRead.Number(json["imagesPerSecond"]),
            JsonRead.Number(json["elapsedSeconds"]),
            JsonRead.Text(json["time"]),
            json["validation"] as JsonObject);
    }
}
