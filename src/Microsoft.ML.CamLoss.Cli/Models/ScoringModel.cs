using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Pipelines;

namespace Microsoft.ML.CamLoss.Cli.Models;

/// <summary>
/// What <c>predict</c> and <c>evaluate</c> score with: a camloss model (or PyTorch checkpoint) on TorchSharp,
/// or an exported ONNX graph on ONNX Runtime. Both give the library's predictions and scored data.
/// </summary>
internal sealed class ScoringModel : IDisposable
{
    private readonly ImageClassificationModel? _model;
    private readonly OnnxImageClassifier? _onnx;

    /// <summary>Scores with a TorchSharp model.</summary>
    public ScoringModel(ImageClassificationModel model) => _model = model;

    /// <summary>Scores with an ONNX graph.</summary>
    public ScoringModel(OnnxImageClassifier onnx) => _onnx = onnx;

    /// <summary>The classes, in score order.</summary>
    public IReadOnlyList<string> ClassNames => _model?.ClassNames ?? _onnx!.ClassNames;

    /// <summary>What an image goes through before the network (for pictures of what it saw).</summary>
    public ImagePipeline Preprocessing => _model?.Preprocessing ?? _onnx!.Preprocessing;

    /// <summary>Scores a data set (see <see cref="ImageClassificationModel.Transform"/>).</summary>
    public ScoredImageData Transform(ImageDataset data, ScoringOptions options) => _model?.Transform(data, options) ?? _onnx!.Transform(data, options);

    /// <summary>Predicts one image file.</summary>
    public ImagePrediction Predict(string imagePath, ScoringOptions options) =>
        _model?.CreatePredictionEngine(options).Predict(imagePath) ?? _onnx!.Predict(imagePath, options);

    /// <inheritdoc />
    public override string ToString() => _model?.ToString() ?? _onnx!.ToString();

    /// <summary>Releases the network or the session.</summary>
    public void Dispose()
    {
        _model?.Dispose();
        _onnx?.Dispose();
    }
}
