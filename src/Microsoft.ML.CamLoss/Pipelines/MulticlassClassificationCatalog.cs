namespace Microsoft.ML.CamLoss.Pipelines;

/// <summary>Trainers and evaluation for multiclass image classification (see <c>CamLossContext.MulticlassClassification</c>).</summary>
public sealed class MulticlassClassificationCatalog
{
    internal MulticlassClassificationCatalog(CamLossContext context) => Trainers = new MulticlassClassificationTrainers(context);

    /// <summary>The trainers: CamLoss, CrossEntropy, Icasc, CcmDistillation.</summary>
    public MulticlassClassificationTrainers Trainers { get; }

    /// <summary>
    /// Evaluates scored data against its true labels: MicroAccuracy, MacroAccuracy, LogLoss,
    /// LogLossReduction, TopKAccuracy, PerClassLogLoss and the ConfusionMatrix, with ML.NET's formulas.
    /// </summary>
    /// <param name="data">The output of <see cref="ImageClassificationModel.Transform"/>.</param>
    /// <param name="topKPredictionCount">k of TopKAccuracy; default 5 (capped at the number of classes).</param>
    public MulticlassClassificationMetrics Evaluate(ScoredImageData data, int topKPredictionCount = 5) => Compute(data, topKPredictionCount);

    internal static MulticlassClassificationMetrics Compute(ScoredImageData data, int topKPredictionCount)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topKPredictionCount);
        if (data.Count == 0)
        {
            throw new ArgumentException("There is nothing to evaluate: the scored data has no rows.", nameof(data));
        }

        return MulticlassClassificationMetrics.Compute(
            [.. data.Select(p => p.Score)], [.. data.Labels.Select(l => (long)l)], data.ClassNames, Math.Min(topKPredictionCount, data.ClassNames.Count));
    }
}
