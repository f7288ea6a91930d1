using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Explain;

namespace Microsoft.ML.CamLoss.Reporting;

/// <summary>
/// Writes a run folder's <c>evaluation.json</c> (<see cref="TrainingReport.EvaluationFileName"/>) from ML.NET's
/// <c>mlContext.MulticlassClassification.Evaluate</c> result, so a model trained through the ML.NET API gets the report's
/// test metrics and confusion matrix, and, when given, the localisation figures
/// (<c>mlContext.MulticlassClassification.EvaluateLocalization</c>) in the report's explanation-quality table.
/// </summary>
/// <remarks>
/// Keys: <c>MicroAccuracy</c>, <c>MacroAccuracy</c>, <c>LogLoss</c>, <c>LogLossReduction</c>, <c>TopKPredictionCount</c> and
/// <c>TopKAccuracy</c> (when the evaluation asked for top-k), <c>PerClassLogLoss</c>, <c>ConfusionMatrix</c> with
/// <c>ClassNames</c> and <c>Counts[truth][predicted]</c>, and <c>Localization</c> with <c>Count</c>, <c>MassInside</c>,
/// <c>PointingGame</c>, <c>TopConcentration</c>, <c>MapsWithoutPositiveMass</c> (NaN written as null).
/// </remarks>
public static class EvaluationFile
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes <c>evaluation.json</c> into <paramref name="runDirectory"/> (created if needed, replaced atomically) and returns its path.</summary>
    /// <param name="runDirectory">The run folder (the trainer's <c>CheckpointDirectory</c>).</param>
    /// <param name="metrics">ML.NET's test metrics.</param>
    /// <param name="classNames">The classes in the confusion matrix's order (the model's <c>ClassNames</c>).</param>
    /// <param name="localization">The localisation figures, or null when the data has no masks or boxes.</param>
    /// <exception cref="ArgumentException">The class names do not match the confusion matrix's size.</exception>
    public static string Write(string runDirectory, Microsoft.ML.Data.MulticlassClassificationMetrics metrics, IReadOnlyList<string> classNames, LocalizationSummary? localization = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(runDirectory);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(classNames);
        var json = Scoring.MulticlassEvaluation.ToJson(metrics, classNames);
        if (localization is not null)
        {
            json[LocalizationField] = ToJson(localization);
        }

        Directory.CreateDirectory(runDirectory);
        var path = Path.Combine(Path.GetFullPath(runDirectory), TrainingReport.EvaluationFileName);
        Serialization.AtomicFile.WriteAllText(path, json.ToJsonString(Indented) + "\n");
        return path;
    }

    /// <summary>The key of the localisation figures: <c>Localization</c>.</summary>
    internal const string LocalizationField = "Localization";

    /// <summary>The localisation figures as <c>evaluation.json</c> holds them (NaN as null).</summary>
    internal static JsonObject ToJson(LocalizationSummary localization) => new()
    {
        ["Count"] = localization.Count,
        ["MassInside"] = Finite(localization.MassInside),
        ["PointingGame"] = Finite(localization.PointingGame),
        ["TopConcentration"] = Finite(localization.TopConcentration),
        ["MapsWithoutPositiveMass"] = localization.MapsWithoutPositiveMass,
    };

    private static JsonNode? Finite(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;
}
