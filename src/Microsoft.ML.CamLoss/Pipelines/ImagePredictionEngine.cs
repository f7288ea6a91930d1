using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Pipelines;

/// <summary>
/// Predicts single images (or small lists) from a path, encoded bytes or a stream. Unlike ML.NET's
/// <c>PredictionEngine</c>, one engine is safe to call from many threads at once: the network is
/// only read, every call works in its own tensors, and libtorch runs concurrent inference on
/// shared weights. Create it with <see cref="ImageClassificationModel.CreatePredictionEngine"/>; it
/// lives as long as its model.
/// </summary>
public sealed class ImagePredictionEngine
{
    private readonly ImageClassificationModel _model;
    private readonly ScoringOptions _options;
    private readonly int _camClass;

    internal ImagePredictionEngine(ImageClassificationModel model, ScoringOptions options)
    {
        _model = model;
        _options = options;
        _camClass = model.CamClassIndex(options);
    }

    /// <summary>Predicts the image file at <paramref name="imagePath"/>.</summary>
    /// <exception cref="DatasetException">The file is missing or is not a readable image (the message names it).</exception>
    public ImagePrediction Predict(string imagePath) => Predict(ImageSource.FromFile(imagePath));

    /// <summary>Predicts an encoded image (JPEG, PNG, BMP, WebP …).</summary>
    /// <param name="encodedImage">The encoded bytes.</param>
    /// <param name="name">Name used in errors and in <see cref="ImagePrediction.Source"/>; default <c>&lt;bytes&gt;</c>.</param>
    public ImagePrediction Predict(ReadOnlyMemory<byte> encodedImage, string? name = null) => Predict(ImageSource.FromBytes(encodedImage, name));

    /// <summary>Predicts an encoded image read from <paramref name="stream"/> (to its end; not disposed).</summary>
    public ImagePrediction Predict(Stream stream, string? name = null) => Predict(ImageSource.FromStream(stream, name));

    /// <summary>Predicts one image.</summary>
    public ImagePrediction Predict(ImageSource image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Predict([image])[0];
    }

    /// <summary>Predicts several images of the same preprocessed size in one forward pass.</summary>
    public IReadOnlyList<ImagePrediction> Predict(IReadOnlyList<ImageSource> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            return [];
        }

        using var scope = new TensorScope();
        var batch = Tensor.Stack([.. images.Select(image => _model.Preprocessing.Apply(image, new SeededRandom(0)))]);
        return _model.Score(batch, [.. images.Select(i => i.Name)], _options, _camClass);
    }
}
