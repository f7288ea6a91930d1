using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Serialization;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// <c>training.jsonl</c>: one JSON object per progress report, appended and flushed as training
/// goes (a resumed run appends to the same file), so <c>camloss report</c> can plot a run while it
/// runs or after it was killed. Keys: <c>type</c> (<c>step</c> or <c>epoch</c>), <c>epoch</c>,
/// <c>step</c>, <c>stepsPerEpoch</c>, <c>loss</c>, <c>terms</c>, <c>alpha</c>, <c>learningRate</c>,
/// <c>trainAccuracy</c>, <c>imagesPerSecond</c>, <c>elapsedSeconds</c>, <c>time</c>, <c>precision</c> (<c>fp32</c>,
/// <c>bf16</c> or <c>fp16</c>: what the steps compute in), <c>lossScale</c> (fp16 only), and at epoch
/// ends with validation <c>validation</c> (metric names as <c>MulticlassEvaluation.ToJson</c>,
/// plus <c>confusionMatrix</c> rows and <c>classNames</c>).
/// </summary>
internal sealed class RunLog : IDisposable
{
    public const string FileName = "training.jsonl";

    private readonly StreamWriter _writer;

    private readonly IReadOnlyList<string> _classNames;

    public RunLog(string path, IReadOnlyList<string> classNames)
    {
        _classNames = classNames;
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    }

    public void Write(TrainingProgress progress)
    {
        var line = new JsonObject
        {
            ["type"] = progress.IsEpochEnd ? "epoch" : "step",
            ["epoch"] = progress.Epoch,
            ["step"] = progress.Step,
            ["stepsPerEpoch"] = progress.StepsPerEpoch,
            ["loss"] = progress.Loss,
            ["terms"] = new JsonObject([.. progress.Terms.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)JsonValue.Create(t.Value)))]),
            ["alpha"] = double.IsNaN(progress.Alpha) ? null : progress.Alpha,
            ["learningRate"] = progress.LearningRate,
            ["trainAccuracy"] = progress.TrainAccuracy,
            ["imagesPerSecond"] = progress.ImagesPerSecond,
            ["elapsedSeconds"] = progress.Elapsed.TotalSeconds,
            ["time"] = DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["precision"] = PrecisionChoice.NameOf(progress.Precision),
        };
        if (progress.LossScale is { } scale)
        {
            line["lossScale"] = scale;
        }

        if (progress.Validation is { } validation)
        {
            line["validation"] = Scoring.MulticlassEvaluation.ToJson(validation, _classNames);
        }

        _writer.WriteLine(line.ToJsonString(ManifestJson.Options));
    }

    public void Dispose() => _writer.Dispose();
}
