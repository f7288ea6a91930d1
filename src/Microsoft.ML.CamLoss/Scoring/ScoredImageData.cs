using Microsoft.ML.CamLoss.Training;
namespace Microsoft.ML.CamLoss.Scoring;

/// <summary>
/// The output of <see cref="ImageClassificationModel.Transform"/>: one prediction per input image,
/// in data-set order, with each image's true label mapped onto the model's classes (−1 when the
/// data set has no label the model knows). <see cref="Evaluate"/> gives ML.NET's metrics.
/// </summary>
public sealed class ScoredImageData : IReadOnlyList<ImagePrediction>
{
    private readonly ImagePrediction[] _predictions;
    private readonly int[] _labels;

    internal ScoredImageData(IReadOnlyList<string> classNames, ImagePrediction[] predictions, int[] labels)
    {
        ClassNames = classNames;
        _predictions = predictions;
        _labels = labels;
    }

    /// <summary>The model's classes.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>True label of each row as an index into <see cref="ClassNames"/>.</summary>
    public IReadOnlyList<int> Labels => _labels;

    /// <inheritdoc />
    public int Count => _predictions.Length;

    /// <inheritdoc />
    public ImagePrediction this[int index] => _predictions[index];

    /// <inheritdoc />
    public IEnumerator<ImagePrediction> GetEnumerator() => ((IEnumerable<ImagePrediction>)_predictions).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// ML.NET's metrics of these predictions against the true labels (computed by <c>mlContext.MulticlassClassification.Evaluate</c>,
    /// the class names as the score's slot names): MicroAccuracy, MacroAccuracy, LogLoss, LogLossReduction, TopKAccuracy, PerClassLogLoss, ConfusionMatrix.
    /// </summary>
    /// <param name="topKPredictionCount">k of TopKAccuracy; default 5, capped at the number of classes.</param>
    /// <exception cref="ArgumentException">No rows, or a row whose label the model does not know (the message names the row).</exception>
    public Microsoft.ML.Data.MulticlassClassificationMetrics Evaluate(int topKPredictionCount = 5) =>
        MulticlassEvaluation.Evaluate([.. _predictions.Select(p => p.Score)], _labels, ClassNames, topKPredictionCount);
}
