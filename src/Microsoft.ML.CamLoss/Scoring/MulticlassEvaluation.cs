using System.Text.Json.Nodes;
using Microsoft.ML.Data;

namespace Microsoft.ML.CamLoss.Scoring;

/// <summary>
/// ML.NET's own multiclass metrics (<c>mlContext.MulticlassClassification.Evaluate</c>) for predictions the core scored
/// itself — validation during training, the command line's scoring of a checkpoint or an ONNX file — so every figure
/// the library reports comes from one implementation, ML.NET's, and agrees with what an ML.NET user computes from a
/// fitted model's <c>Transform</c>.
/// </summary>
internal static class MulticlassEvaluation
{
    private static readonly MLContext Ml = new(seed: 0);

    /// <summary>
    /// Evaluates probabilities against true labels: the class index as a float label, a
    /// <c>Score</c> vector with <paramref name="classNames"/> as slot names (so the confusion table names the classes) and the arg-max as
    /// <c>PredictedLabel</c>, passed to ML.NET's evaluator.
    /// </summary>
    /// <param name="probabilities">Row i: sample i's probabilities over the C classes.</param>
    /// <param name="labels">True class of each sample, 0 … C−1.</param>
    /// <param name="classNames">The C classes, in score order.</param>
    /// <param name="topKPredictionCount">k of TopKAccuracy, capped at C; default 5.</param>
    /// <exception cref="ArgumentException">No rows, ragged rows, or a label outside the classes (naming the row).</exception>
    public static MulticlassClassificationMetrics Evaluate(IReadOnlyList<float[]> probabilities, IReadOnlyList<int> labels, IReadOnlyList<string> classNames, int topKPredictionCount = 5)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topKPredictionCount);
        if (probabilities.Count == 0 || probabilities.Count != labels.Count)
        {
            throw new ArgumentException($"There is nothing to evaluate: need one label per row of scores and at least one row; got {probabilities.Count} rows and {labels.Count} labels.");
        }

        var classes = classNames.Count;
        var rows = new Row[probabilities.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var p = probabilities[i];
            if (p.Length != classes)
            {
                throw new ArgumentException($"Row {i} has {p.Length} scores; the model has {classes} classes.", nameof(probabilities));
            }

            if (labels[i] < 0 || labels[i] >= classes)
            {
                throw new ArgumentException($"Row {i}: its label is none of the model's {classes} classes, so it cannot be evaluated.", nameof(labels));
            }

            rows[i] = new Row { Label = labels[i], Score = p, PredictedLabel = (uint)ArgMax(p) + 1 };
        }

        var data = Ml.Data.LoadFromEnumerable(rows, Schema(classNames));
        return Ml.MulticlassClassification.Evaluate(data, topKPredictionCount: Math.Min(topKPredictionCount, classes));
    }

    /// <summary>
    /// The metrics as the run folder's files hold them (<c>evaluation.json</c>, the run log's validation): <c>MicroAccuracy</c>,
    /// <c>MacroAccuracy</c>, <c>LogLoss</c>, <c>LogLossReduction</c>, <c>TopKPredictionCount</c> and <c>TopKAccuracy</c> (when
    /// top-k was asked for), <c>PerClassLogLoss</c>, <c>ConfusionMatrix</c> with <c>ClassNames</c> and <c>Counts[truth][predicted]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The class names do not match the confusion matrix's size.</exception>
    public static JsonObject ToJson(MulticlassClassificationMetrics metrics, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(classNames);
        var counts = metrics.ConfusionMatrix.Counts;
        if (counts.Count != classNames.Count)
        {
            throw new ArgumentException($"The confusion matrix has {counts.Count} classes but {classNames.Count} class names were given; pass the model's ClassNames.", nameof(classNames));
        }

        var json = new JsonObject
        {
            ["MicroAccuracy"] = metrics.MicroAccuracy,
            ["MacroAccuracy"] = metrics.MacroAccuracy,
            ["LogLoss"] = metrics.LogLoss,
            ["LogLossReduction"] = metrics.LogLossReduction,
        };
        if (metrics.TopKPredictionCount > 0)
        {
            json["TopKPredictionCount"] = metrics.TopKPredictionCount;
            json["TopKAccuracy"] = metrics.TopKAccuracy;
        }

        json["PerClassLogLoss"] = new JsonArray([.. metrics.PerClassLogLoss.Select(v => JsonValue.Create(v))]);
        json["ConfusionMatrix"] = new JsonObject
        {
            ["ClassNames"] = new JsonArray([.. classNames.Select(c => JsonValue.Create(c))]),
            ["Counts"] = new JsonArray([.. counts.Select(row => (JsonNode)new JsonArray([.. row.Select(c => JsonValue.Create((long)Math.Round(c)))]))]),
        };
        return json;
    }

    /// <summary>The number of rows evaluated: the confusion matrix's total.</summary>
    public static long Count(MulticlassClassificationMetrics metrics) => (long)Math.Round(metrics.ConfusionMatrix.Counts.Sum(row => row.Sum()));

    private static SchemaDefinition Schema(IReadOnlyList<string> classNames)
    {
        var classes = classNames.Count;
        var schema = SchemaDefinition.Create(typeof(Row));
        var names = new VBuffer<ReadOnlyMemory<char>>(classes, [.. classNames.Select(n => n.AsMemory())]);
        var keyValues = new VectorDataViewType(TextDataViewType.Instance, classes);
        schema[nameof(Row.PredictedLabel)].ColumnType = new KeyDataViewType(typeof(uint), classes);
        schema[nameof(Row.PredictedLabel)].AddAnnotation("KeyValues", names, keyValues);
        schema[nameof(Row.Score)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, classes);
        schema[nameof(Row.Score)].AddAnnotation("SlotNames", names, keyValues);
        return schema;
    }

    private static int ArgMax(float[] values)
    {
        var best = 0;
        for (var c = 1; c < values.Length; c++)
        {
            if (values[c] > values[best])
            {
                best = c;
            }
        }

        return best;
    }

    private sealed class Row
    {
        /// <summary>The true class's index, as a float label (ML.NET's evaluator takes 0 … C−1 as is).</summary>
        public float Label { get; set; }

        public float[] Score { get; set; } = [];

        public uint PredictedLabel { get; set; }
    }
}
