using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.ML.CamLoss.Scoring;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Cli.Output;

/// <summary>
/// The localisation figures (<see cref="LocalizationMetrics"/>) of scored images whose objects are known: the boxes of a
/// CUB (<c>bounding_boxes.txt</c>) or Stanford Dogs (<c>Annotation/</c>) data set, or the foreground (non-zero pixels) of a
/// grey IDX data set such as Fashion-MNIST. The object is drawn in the image's own frame and taken through the model's
/// geometric preprocessing (<see cref="NetworkView.Geometric"/>: resize, crop), so it lies in the frame the CAM covers.
/// </summary>
internal static class LocalizationScoring
{
    /// <summary>True when <paramref name="data"/> has objects to score against.</summary>
    public static bool Applies(ImageDataset data, bool foreground) => foreground || Enumerable.Range(0, data.Count).Any(i => data[i].Box is not null);

    /// <summary>
    /// The summary over the images of <paramref name="scored"/> that have an object, or null when none has (or the model gives
    /// no CAM, as an ONNX graph exported without maps).
    /// </summary>
    public static LocalizationSummary? Evaluate(ScoredImageData scored, ImageDataset data, ImagePipeline preprocessing, bool foreground)
    {
        var samples = new Dictionary<string, ImageSample>(StringComparer.Ordinal);
        for (var i = 0; i < data.Count; i++)
        {
            samples.TryAdd(data[i].Image.Name, data[i]);
        }

        var scores = new List<LocalizationScore>();
        foreach (var prediction in scored)
        {
            if (prediction.Cam is not { } cam || !samples.TryGetValue(prediction.Source, out var sample) || (!foreground && sample.Box is null))
            {
                continue;
            }

            scores.Add(LocalizationMetrics.Score(cam, ObjectInNetworkFrame(sample, preprocessing, foreground, data.MaxImagePixels)));
        }

        return scores.Count == 0 ? null : LocalizationMetrics.Summarize(scores);
    }

    /// <summary>The object of <paramref name="sample"/> as a mask over the network's input.</summary>
    private static ObjectMask ObjectInNetworkFrame(ImageSample sample, ImagePipeline preprocessing, bool foreground, long maxPixels)
    {
        using var scope = torch.NewDisposeScope();
        var image = ImageDecoding.DecodeRgb(sample.Image, maxPixels).contiguous();
        int height = (int)image.shape[0], width = (int)image.shape[1];
        var inImage = foreground
            ? ObjectMask.FromForeground(height, width, image.data<byte>().ToArray(), channels: (int)image.shape[2])
            : ObjectMask.FromBox(height, width, sample.Box!.Value);
        var mask = (torch.tensor(inImage.Inside.ToArray()).reshape(height, width, 1).to(ScalarType.Byte) * (byte)255).expand(height, width, 3).contiguous();
        var seen = NetworkView.Geometric(preprocessing, mask)[0];
        var inside = seen.ge(128).contiguous().data<bool>().ToArray();
        return new ObjectMask((int)seen.shape[0], (int)seen.shape[1], inside);
    }
}
