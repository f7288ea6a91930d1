using Microsoft.ML.CamLoss.Training;
using Microsoft.ML.Data;

namespace Microsoft.ML.CamLoss.MLNet;

/// <summary>
/// A fitted image classifier as an ordinary ML.NET transformer: a <see cref="TransformerChain{TLastTransformer}"/> of
/// ML.NET's own transformers (<see cref="MLNetScoringChain"/>: resize, pixels, the network as ONNX, the predicted label
/// as a key). <c>Transform</c> adds <c>Score</c> (probabilities; class names as slot names), <c>PredictedLabel</c> (a key
/// whose values are the class names) and the requested maps (<c>Cam</c>, <c>Caam</c>, <c>Cams</c>). <c>mlContext.Model.Save</c>
/// writes the inner chain, so <c>mlContext.Model.Load</c> returns ML.NET's chain and needs no training code.
/// </summary>
/// <remarks>
/// Scoring runs on ONNX Runtime through ML.NET, from the same pixels the trainer's validation pass saw (ML.NET's decode
/// and resize, then ÷255 and the normalisation inside the graph). <see cref="Transform"/> also checks, when the data has
/// the label column, that every label is one of the model's classes: a value the label's <c>MapValueToKey</c> did not
/// see in training becomes a missing key, which would otherwise count silently as an error in <c>Evaluate</c>.
/// </remarks>
public sealed class ImageClassificationTransformer : ITransformer, ICanSaveModel, IDisposable
{
    private readonly string _labelColumn;

    internal ImageClassificationTransformer(ITransformer chain, IReadOnlyList<string> classNames, string labelColumn, byte[] onnxModel, IReadOnlyList<EpochSummary> history)
    {
        Chain = chain;
        ClassNames = classNames;
        _labelColumn = labelColumn;
        OnnxModel = onnxModel;
        History = history;
    }

    /// <summary>The ML.NET transformers that score, a <see cref="TransformerChain{TLastTransformer}"/> (what <c>Model.Save</c> writes).</summary>
    public ITransformer Chain { get; }

    /// <summary>The classes, in the order of the <c>Score</c> slots and the <c>PredictedLabel</c> keys.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The network as ONNX (input <c>CamLoss.Pixels</c>: planar RGB in [0, 1] at the model's size).</summary>
    public ReadOnlyMemory<byte> OnnxModel { get; }

    /// <summary>One summary per trained epoch.</summary>
    public IReadOnlyList<EpochSummary> History { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Chain.GetOutputSchema(inputSchema);

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => Chain.GetRowToRowMapper(inputSchema);

    /// <summary>Scores <paramref name="input"/> (lazily, as every ML.NET transform) after checking its labels, if it has the label column.</summary>
    /// <exception cref="ArgumentException">A label is a class the model was not trained on.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckLabels(input);
        return Chain.Transform(input);
    }

    /// <summary>Releases the ONNX Runtime session of the inner chain (ML.NET's ONNX transformer is disposable).</summary>
    public void Dispose() => (Chain as IDisposable)?.Dispose();

    /// <summary>Saves the inner chain (ML.NET's transformers only).</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)Chain).Save(ctx);

    private void CheckLabels(IDataView input)
    {
        if (input.Schema.GetColumnOrNull(_labelColumn) is not { Type: KeyDataViewType key } column)
        {
            return;
        }

        var names = MLNetSchemaChecks.ClassNames(input.Schema, _labelColumn);
        if (!names.SequenceEqual(ClassNames))
        {
            throw new ArgumentException(
                $"Column '{_labelColumn}' has the classes ({Microsoft.ML.CamLoss.Training.ImageClassificationModel.Preview(names)}) but the model was trained on ({Microsoft.ML.CamLoss.Training.ImageClassificationModel.Preview([.. ClassNames])}); map the labels with the MapValueToKey fitted on the training data.");
        }

        using var cursor = input.GetRowCursor([column]);
        var get = cursor.GetGetter<uint>(column);
        uint value = 0;
        for (var row = 0L; cursor.MoveNext(); row++)
        {
            get(ref value);
            if (value == 0 || value > key.Count)
            {
                throw new ArgumentException(
                    $"Row {row} has a '{_labelColumn}' the model was not trained on (MapValueToKey made it a missing key). The model knows {ClassNames.Count} classes: {Microsoft.ML.CamLoss.Training.ImageClassificationModel.Preview([.. ClassNames])}. Remove those rows or retrain with them.");
            }
        }
    }
}
