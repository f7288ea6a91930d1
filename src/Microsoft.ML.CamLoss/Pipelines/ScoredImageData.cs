namespace Microsoft.ML.CamLoss.Pipelines;

/// <summary>
/// The output of <see cref="ImageClassificationModel.Transform"/>: one prediction per input image,
/// in data-set order, with each image's true label mapped onto the model's classes (−1 when the
/// data set has no label the model knows). Pass it to
/// <see cref="MulticlassClassificationCatalog.Evaluate"/>.
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
}
