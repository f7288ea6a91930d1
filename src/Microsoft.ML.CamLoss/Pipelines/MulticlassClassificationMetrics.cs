using System.Text.Json.Nodes;

namespace Microsoft.ML.CamLoss.Pipelines;

/// <summary>
/// Quality of a multiclass classifier, with ML.NET's names and formulas
/// (<c>Microsoft.ML.Data.MulticlassClassificationMetrics</c>). Computed by <see cref="MulticlassClassificationMetrics.Compute"/>.
/// </summary>
public sealed class MulticlassClassificationMetrics
{
    /// <summary>Probabilities below this are clipped before taking logs (ML.NET's 1e-15).</summary>
    public const double LogLossEpsilon = 1e-15;

    private MulticlassClassificationMetrics(
        double microAccuracy, double macroAccuracy, double logLoss, double logLossReduction, int topKPredictionCount,
        double topKAccuracy, IReadOnlyList<double> topKAccuracyForAllK, IReadOnlyList<double> perClassLogLoss, ConfusionMatrix confusionMatrix)
    {
        MicroAccuracy = microAccuracy;
        MacroAccuracy = macroAccuracy;
        LogLoss = logLoss;
        LogLossReduction = logLossReduction;
        TopKPredictionCount = topKPredictionCount;
        TopKAccuracy = topKAccuracy;
        TopKAccuracyForAllK = topKAccuracyForAllK;
        PerClassLogLoss = perClassLogLoss;
        ConfusionMatrix = confusionMatrix;
    }

    /// <summary>Fraction of samples whose predicted (arg-max) class is the true one.</summary>
    public double MicroAccuracy { get; }

    /// <summary>Mean over the classes present in the labels of each class's accuracy (its recall).</summary>
    public double MacroAccuracy { get; }

    /// <summary><c>−(1/N) Σ_i log max(p_i,y_i, 1e-15)</c>.</summary>
    public double LogLoss { get; }

    /// <summary>
    /// Relative log-loss improvement over always predicting the label frequencies:
    /// <c>(LogLoss(prior) − LogLoss) / LogLoss(prior)</c>, with <c>LogLoss(prior) = −Σ_c f_c log f_c</c>.
    /// 1 is perfect, 0 is no better than the prior, negative is worse.
    /// </summary>
    public double LogLossReduction { get; }

    /// <summary>The k of <see cref="TopKAccuracy"/>.</summary>
    public int TopKPredictionCount { get; }

    /// <summary>Fraction of samples whose true class is among the k most probable (ties broken by class index).</summary>
    public double TopKAccuracy { get; }

    /// <summary>Top-k accuracy for k = 1 … <see cref="TopKPredictionCount"/>.</summary>
    public IReadOnlyList<double> TopKAccuracyForAllK { get; }

    /// <summary>Log loss over the samples of each true class (0 for a class with no samples).</summary>
    public IReadOnlyList<double> PerClassLogLoss { get; }

    /// <summary>Counts of (truth, prediction) pairs.</summary>
    public ConfusionMatrix ConfusionMatrix { get; }

    /// <summary>Computes every metric from class probabilities and true labels.</summary>
    /// <param name="probabilities">Row i holds sample i's probabilities over the C classes (rows sum to 1).</param>
    /// <param name="labels">True class of each sample, 0 … C−1.</param>
    /// <param name="classNames">Names of the C classes (default: their indices).</param>
    /// <param name="topKPredictionCount">k of <see cref="TopKAccuracy"/>; default 5 (capped at C).</param>
    /// <exception cref="ArgumentException">Empty input, ragged rows, or a label outside 0 … C−1 (the message names the row).</exception>
    public static MulticlassClassificationMetrics Compute(IReadOnlyList<float[]> probabilities, IReadOnlyList<long> labels, IReadOnlyList<string>? classNames = null, int topKPredictionCount = 5)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(labels);
        if (probabilities.Count == 0 || probabilities.Count != labels.Count)
        {
            throw new ArgumentException($"Need one label per probability row and at least one row; got {probabilities.Count} rows and {labels.Count} labels.");
        }

        var classes = probabilities[0].Length;
        classNames ??= Enumerable.Range(0, classes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        if (classNames.Count != classes)
        {
            throw new ArgumentException($"{classNames.Count} class names for {classes} classes.", nameof(classNames));
        }

        var k = Math.Clamp(topKPredictionCount, 1, classes);
        var counts = new long[classes, classes];
        var classTotals = new long[classes];
        var classLogLoss = new double[classes];
        var topKHits = new long[k];
        double logLoss = 0;
        for (var i = 0; i < probabilities.Count; i++)
        {
            var p = probabilities[i];
            var y = labels[i];
            if (p.Length != classes)
            {
                throw new ArgumentException($"Row {i} has {p.Length} probabilities, expected {classes}.", nameof(probabilities));
            }

            if (y < 0 || y >= classes)
            {
                throw new ArgumentException($"Row {i}: label {y} is outside the model's classes 0…{classes - 1}.", nameof(labels));
            }

            var truth = (int)y;
            var loss = -Math.Log(Math.Max(p[truth], LogLossEpsilon));
            logLoss += loss;
            classLogLoss[truth] += loss;
            classTotals[truth]++;

            // Rank of the true class: classes with a higher probability, or equal with a lower index, come first.
            var rank = 0;
            var predicted = 0;
            for (var c = 0; c < classes; c++)
            {
                if (p[c] > p[truth] || (p[c] == p[truth] && c < truth))
                {
                    rank++;
                }

                if (p[c] > p[predicted])
                {
                    predicted = c;
                }
            }

            counts[truth, predicted]++;
            for (var kk = rank; kk < k; kk++)
            {
                topKHits[kk]++;
            }
        }

        var n = (double)probabilities.Count;
        var present = Enumerable.Range(0, classes).Where(c => classTotals[c] > 0).ToArray();
        var macro = present.Average(c => (double)counts[c, c] / classTotals[c]);
        var micro = Enumerable.Range(0, classes).Sum(c => counts[c, c]) / n;
        var priorLogLoss = -present.Sum(c => classTotals[c] / n * Math.Log(classTotals[c] / n));
        logLoss /= n;
        var reduction = priorLogLoss > 0 ? (priorLogLoss - logLoss) / priorLogLoss : 0;
        var topK = topKHits.Select(h => h / n).ToArray();
        var perClass = Enumerable.Range(0, classes).Select(c => classTotals[c] == 0 ? 0 : classLogLoss[c] / classTotals[c]).ToArray();
        return new MulticlassClassificationMetrics(micro, macro, logLoss, reduction, k, topK[^1], topK, perClass, new ConfusionMatrix(counts, classNames));
    }

    /// <summary>
    /// The metrics as JSON, keys named as the properties (<c>MicroAccuracy</c>, <c>MacroAccuracy</c>,
    /// <c>LogLoss</c>, <c>LogLossReduction</c>, <c>TopKPredictionCount</c>, <c>TopKAccuracy</c>,
    /// <c>PerClassLogLoss</c>, <c>ConfusionMatrix</c> with <c>ClassNames</c> and <c>Counts[truth][predicted]</c>).
    /// </summary>
    public JsonObject ToJson()
    {
        var matrix = ConfusionMatrix;
        var n = matrix.NumberOfClasses;
        return new JsonObject
        {
            ["MicroAccuracy"] = MicroAccuracy,
            ["MacroAccuracy"] = MacroAccuracy,
            ["LogLoss"] = LogLoss,
            ["LogLossReduction"] = LogLossReduction,
            ["TopKPredictionCount"] = TopKPredictionCount,
            ["TopKAccuracy"] = TopKAccuracy,
            ["PerClassLogLoss"] = new JsonArray([.. PerClassLogLoss.Select(v => JsonValue.Create(v))]),
            ["ConfusionMatrix"] = new JsonObject
            {
                ["ClassNames"] = new JsonArray([.. matrix.ClassNames.Select(c => JsonValue.Create(c))]),
                ["Counts"] = new JsonArray([.. Enumerable.Range(0, n).Select(t => (JsonNode)new JsonArray([.. Enumerable.Range(0, n).Select(p => JsonValue.Create(matrix.GetCount(t, p)))]))]),
            },
        };
    }
}
