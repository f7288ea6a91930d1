using Microsoft.ML.CamLoss.Data;

namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>
/// Splits a model's scoring preprocessing into what a client does before the graph (decode, resize,
/// crop, grey to RGB, scale to [0, 1]) and what the graph does (the normalisations, <c>(x − mean) / std</c>, and a mean
/// image's <c>(255·x − M) / std</c>),
/// so that clients feed [0, 1] pixels and cannot forget or repeat the normalisation.
/// </summary>
internal static class OnnxPreprocessing
{
    /// <summary>
    /// The client's steps (the scoring pipeline without its normalisations) and the normalisations, in order.
    /// A normalisation must come after every resize and crop (only grey-to-RGB and float conversion, which
    /// commute with it, may follow), as in every pipeline the library builds.
    /// </summary>
    /// <exception cref="NotSupportedException">A resize, crop or other step follows a normalisation.</exception>
    public static (ImagePipeline Client, IReadOnlyList<IImageTransform> Normalizations) Split(ImagePipeline preprocessing)
    {
        var scoring = preprocessing.IsScoring ? preprocessing : preprocessing.ForScoring();
        var client = new ImagePipeline().ForScoring();
        var normalizations = new List<IImageTransform>();
        foreach (var transform in scoring.Transforms)
        {
            switch (transform)
            {
                case NormalizeTransform or MeanImageNormalizeTransform:
                    normalizations.Add(transform);
                    break;
                case GrayscaleToRgbTransform or ToFloatTransform:
                    client = client.Append(transform);
                    break;
                case var other when normalizations.Count > 0:
                    throw new NotSupportedException(
                        $"Cannot export the preprocessing {scoring}: {other.GetType().Name} comes after the normalisation, which the graph applies to its input. " +
                        "Normalise last (after resizing and cropping).");
                default:
                    client = client.Append(transform);
                    break;
            }
        }

        return (client, normalizations);
    }

    /// <summary>
    /// The size the client's steps end with: the last centre crop's or fixed-size resize's, or null when an
    /// image's size decides it (a shorter-side resize last, or no resize at all).
    /// </summary>
    public static (int Height, int Width)? OutputSize(ImagePipeline client)
    {
        (int, int)? size = null;
        foreach (var transform in client.Transforms)
        {
            size = transform switch
            {
                CenterCropTransform crop => (crop.Height, crop.Width),
                ResizeTransform { Height: { } height, Width: { } width } => (height, width),
                ResizeTransform => null,
                _ => size,
            };
        }

        return size;
    }
}
