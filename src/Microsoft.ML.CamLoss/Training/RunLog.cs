using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Pipelines;
using Microsoft.ML.CamLoss.Serialization;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// <c>training.jsonl</c>: one JSON object per progress report, appended and flushed as training
/// goes (a resumed run appends to the same file), so <c>camloss report</c> can plot a run while it
/// runs or after it was killed. Keys: <c>type</c> (<c>step</c> or <c>epoch</c>), <c>epoch</c>,
/// <c>step</c>, <c>stepsPerEpoch</c>, <c>loss</c>, <c>terms</c>, <c>alpha</c>, <c>learningRate</c>,
/// <c>trainAccuracy</c>, <c>imagesPerSecond</c>, <c>elapsedSeconds</c>, <c>time</c>, and at epoch
/// ends with validation <c>validation</c> (metric names as <see cref="MulticlassClassificationMetrics"/>,
/// plus <c>confusionMatrix</c> rows and <c>classNames</c>).
/// </summary>
internal sealed class RunLog : IDisposable
{
    public const string FileName = "training.jsonl";

    private readonly StreamWriter _writer;

    public RunLog(string path)
    {
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
        };
        if (progress.Validation is { } validation)
        {
            line["validation"] = Metrics(validation);
        }

        _writer.WriteLine(line.ToJsonString(ManifestJson.Options));
    }

    /// <summary>The metrics as JSON with ML.NET's names (also what <c>camloss evaluate --json</c> prints).</summary>
    public static JsonObject Metrics(MulticlassClassificationMetrics metrics)
    {
        var matrix = metrics.ConfusionMatrix;
        var n = matrix.NumberOfClasses;
        return new JsonObject
        {
            ["MicroAccuracy"] = metrics.MicroAccuracy,
            ["MacroAccuracy"] = metrics.MacroAccuracy,
            ["LogLoss"] = metrics.LogLoss,
            ["LogLossReduction"] = metrics.LogLossReduction,
            ["TopKPredictionCount"] = metrics.TopKPredictionCount,
            ["TopKAccuracy"] = metrics.TopKAccuracy,
            ["PerClassLogLoss"] = new JsonArray([.. metrics.PerClassLogLoss.Select(v => JsonValue.Create(v))]),
            ["ConfusionMatrix"] = new JsonObject
            {
                ["ClassNames"] = new JsonArray([.. matrix.ClassNames.Select(c => JsonValue.Create(c))]),
                ["Counts"] = new JsonArray([.. Enumerable.Range(0, n).Select(t => (JsonNode)new JsonArray([.. Enumerable.Range(0, n).Select(p => JsonValue.Create(matrix.GetCount(t, p)))]))]),
            },
        };
    }

    public void Dispose() => _writer.Dispose();
}
