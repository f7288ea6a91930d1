using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Scoring;

/// <summary>
/// Predicts single images (or small lists) from a path, encoded bytes or a stream. Unlike ML.NET's
/// <c>PredictionEngine</c>, one engine is safe to call from many threads at once: the network is
/// only read (evaluation mode, <c>torch.no_grad()</c>), every call works in its own tensors inside its
/// own TorchSharp dispose scope (scopes and grad mode are per thread), and libtorch runs concurrent
/// inference on shared weights. Create it with <see cref="ImageClassificationModel.CreatePredictionEngine"/>;
/// it lives as long as its model.
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
    /// <exception cref="ArgumentException">The images have different sizes after preprocessing (add a resize or crop to the preprocessing, or predict them one by one).</exception>
    /// <exception cref="DatasetException">An image is missing or cannot be decoded (the message names it).</exception>
    public IReadOnlyList<ImagePrediction> Predict(IReadOnlyList<ImageSource> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            return [];
        }

        using var scope = torch.NewDisposeScope();
        var batch = Prepare(_model.Preprocessing, images);
        return _model.Score(batch, [.. images.Select(i => i.Name)], _options, _camClass);
    }

    /// <summary>
    /// Decodes and preprocesses <paramref name="images"/> and stacks them into one float batch <c>[B, C, H, W]</c>
    /// (in the caller's dispose scope).
    /// </summary>
    /// <exception cref="ArgumentException">The images have different sizes after preprocessing.</exception>
    internal static Tensor Prepare(ImagePipeline preprocessing, IReadOnlyList<ImageSource> images)
    {
        var prepared = images.Select(image => preprocessing.Apply(image, new SeededRandom(0))).ToArray();
        for (var i = 1; i < prepared.Length; i++)
        {
            if (!prepared[i].shape.SequenceEqual(prepared[0].shape))
            {
                throw new ArgumentException(
                    $"Images predicted together must have one size after preprocessing: {images[0].Name} is [{string.Join(", ", prepared[0].shape)}] but " +
                    $"{images[i].Name} is [{string.Join(", ", prepared[i].shape)}]. Add a resize or crop to the preprocessing, or predict them one at a time.",
                    nameof(images));
            }
        }

        return TorchErrors.Run(() => torch.stack(prepared, 0), "stacking the images into a batch");
    }
}
