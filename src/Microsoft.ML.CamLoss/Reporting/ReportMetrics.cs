using System.Text.Json.Nodes;

namespace Microsoft.ML.CamLoss.Reporting;

/// <summary>
/// Classification metrics as written by <c>MulticlassEvaluation.ToJson</c> (in
/// <c>evaluation.json</c>, and under <c>validation</c> in the run log), read back for the report.
/// Absent values are null; a missing or ragged confusion matrix leaves <see cref="Counts"/> null.
/// </summary>
/// <param name="Source">Where the metrics come from, for the page (e.g. <c>test set (evaluation.json)</c>).</param>
/// <param name="MicroAccuracy">Fraction of samples classified correctly.</param>
/// <param name="MacroAccuracy">Mean per-class accuracy.</param>
/// <param name="LogLoss">Mean negative log probability of the true class.</param>
/// <param name="LogLossReduction">Relative improvement of the log loss over the class prior.</param>
/// <param name="TopKAccuracy">Top-k accuracy.</param>
/// <param name="TopKPredictionCount">The k of <paramref name="TopKAccuracy"/>.</param>
/// <param name="PerClassLogLoss">Log loss per true class.</param>
/// <param name="ClassNames">Class names, in index order.</param>
/// <param name="Counts">Confusion counts <c>[truth][predicted]</c>, square, one row per class name.</param>
/// <param name="Localization">The localisation figures (<c>Localization</c>, written by <see cref="EvaluationFile"/>), or null.</param>
internal sealed record ReportMetrics(
    string Source,
    double? MicroAccuracy,
    double? MacroAccuracy,
    double? LogLoss,
    double? LogLossReduction,
    double? TopKAccuracy,
    int? TopKPredictionCount,
    IReadOnlyList<double?> PerClassLogLoss,
    IReadOnlyList<string> ClassNames,
    long[][]? Counts,
    Explain.LocalizationSummary? Localization = null)
{
    /// <summary>Samples the matrix counts.</summary>
    public long Total => Counts?.Sum(row => row.Sum()) ?? 0;

    /// <summary>The <c>Localization</c> object, or null when absent; a missing figure reads as NaN.</summary>
    private static Explain.LocalizationSummary? ReadLocalization(JsonObject? json) => json is null ? null : new Explain.LocalizationSummary(
        (int)(JsonRead.Number(JsonRead.Property(json, "Count")) ?? 0),
        JsonRead.Number(JsonRead.Property(json, "MassInside")) ?? double.NaN,
        JsonRead.Number(JsonRead.Property(json, "PointingGame")) ?? double.NaN,
        JsonRead.Number(JsonRead.Property(json, "TopConcentration")) ?? double.NaN,
        (int)(JsonRead.Number(JsonRead.Property(json, "MapsWithoutPositiveMass")) ?? 0));

    /// <summary>Reads metrics JSON (keys as <c>ToJson</c> writes them, matched ignoring case).</summary>
    public static ReportMetrics FromJson(JsonObject json, string source)
    {
        var matrix = JsonRead.Property(json, "ConfusionMatrix");
        JsonNode? namesNode = null, countsNode = null;
        if (matrix is JsonObject matrixObject)
        {
            namesNode = JsonRead.Property(matrixObject, "ClassNames");
            countsNode = JsonRead.Property(matrixObject, "Counts");
        }
        else if (matrix is JsonArray rows)
        {
            // The older layout the run log's doc describes: confusionMatrix rows beside classNames.
            countsNode = rows;
            namesNode = JsonRead.Property(json, "ClassNames");
        }

        var counts = (countsNode as JsonArray)?.Select(row => (row as JsonArray)?.Select(c => (long)(JsonRead.Number(c) ?? 0)).ToArray() ?? []).ToArray();
        var names = (namesNode as JsonArray)?.Select(n => JsonRead.Text(n) ?? string.Empty).ToArray();
        if (counts is not null)
        {
            names ??= [.. Enumerable.Range(0, counts.Length).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
            if (counts.Length == 0 || counts.Length != names.Length || counts.Any(row => row.Length != counts.Length))
            {
                counts = null;
            }
        }

        var perClass = (JsonRead.Property(json, "PerClassLogLoss") as JsonArray)?.Select(JsonRead.Number).ToArray() ?? [];
        return new ReportMetrics(
            source,
            JsonRead.Number(JsonRead.Property(json, "MicroAccuracy")),
            JsonRead.Number(JsonRead.Property(json, "MacroAccuracy")),
            JsonRead.Number(JsonRead.Property(json, "LogLoss")),
            JsonRead.Number(JsonRead.Property(json, "LogLossReduction")),
            JsonRead.Number(JsonRead.Property(json, "TopKAccuracy")),
            JsonRead.Number(JsonRead.Property(json, "TopKPredictionCount")) is { } k ? (int)k : null,
            perClass,
            names ?? [],
            counts,
            ReadLocalization(JsonRead.Property(json, "Localization") as JsonObject));
    }
}
