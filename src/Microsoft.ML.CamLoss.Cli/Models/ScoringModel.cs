using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.ML.CamLoss.MLNet;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Cli.Models;

/// <summary>
/// What <c>predict</c>, <c>evaluate</c> and <c>explain</c> score with: a training checkpoint's model (or a PyTorch checkpoint's) on TorchSharp,
/// an exported ONNX graph on ONNX Runtime, or an ML.NET model zip through ML.NET. All give the library's predictions,
/// scored data and gallery.
/// </summary>
internal sealed class ScoringModel : IDisposable
{
    private readonly ImageClassificationModel? _model;
    private readonly OnnxImageClassifier? _onnx;
    private readonly MLNetImageClassifier? _mlnet;

    /// <summary>Scores with a TorchSharp model.</summary>
    public ScoringModel(ImageClassificationModel model) => _model = model;

    /// <summary>Scores with an ONNX graph.</summary>
    public ScoringModel(OnnxImageClassifier onnx) => _onnx = onnx;

    /// <summary>Scores with a saved ML.NET model.</summary>
    public ScoringModel(MLNetImageClassifier mlnet) => _mlnet = mlnet;

    /// <summary>The classes, in score order.</summary>
    public IReadOnlyList<string> ClassNames => _model?.ClassNames ?? _onnx?.ClassNames ?? _mlnet!.ClassNames;

    /// <summary>What an image goes through before the network (for pictures of what it saw).</summary>
    public ImagePipeline Preprocessing => _model?.Preprocessing ?? _onnx?.Preprocessing ?? _mlnet!.Preprocessing;

    /// <summary>True when scoring can give the predicted class's CAM (always for a TorchSharp model; for a graph or zip, when it has the maps).</summary>
    public bool HasCam => _model is not null || (_onnx?.Maps ?? _mlnet!.Maps).HasFlag(OnnxMaps.Cam);

    /// <summary>Scores a data set (see <see cref="ImageClassificationModel.Transform"/>).</summary>
    public ScoredImageData Transform(ImageDataset data, ScoringOptions options) =>
        _model?.Transform(data, options) ?? _onnx?.Transform(data, options) ?? _mlnet!.Transform(data, options);

    /// <summary>Predicts one image file.</summary>
    public ImagePrediction Predict(string imagePath, ScoringOptions options) =>
        _model?.CreatePredictionEngine(options).Predict(imagePath) ?? _onnx?.Predict(imagePath, options) ?? _mlnet!.Predict(imagePath, options);

    /// <summary>Writes the gallery of <paramref name="count"/> images of <paramref name="data"/> (see <see cref="ExplanationGallery"/>).</summary>
    public GalleryResult WriteGallery(ImageDataset data, string outputDirectory, int count, ulong seed) =>
        _model is not null ? ExplanationGallery.Write(_model, data, outputDirectory, count, seed)
        : _onnx is not null ? ExplanationGallery.Write(_onnx, data, outputDirectory, count, seed)
        : ExplanationGallery.Write(_mlnet!, data, outputDirectory, count, seed);

    /// <inheritdoc />
    public override string ToString() => _model?.ToString() ?? _onnx?.ToString() ?? _mlnet!.ToString();

    /// <summary>Releases the network or the session.</summary>
    public void Dispose()
    {
        _model?.Dispose();
        _onnx?.Dispose();
        _mlnet?.Dispose();
    }
}
