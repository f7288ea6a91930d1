using Microsoft.ML.CamLoss.Training;
using Microsoft.ML.CamLoss.Scoring;
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
    public Microsoft.ML.Data.MulticlassClassificationMetrics Evaluate(ScoredImageData data, int topKPredictionCount = 5)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.Evaluate(topKPredictionCount);
    }
}
