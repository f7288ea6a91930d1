using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.MLNet;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.ML.CamLoss.Training;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.CamLoss.Cli.Training;

/// <summary>
/// The ML.NET model <c>camloss train</c> writes as <c>--output</c> (the deployable model; the run folder keeps the checkpoint): the trained
/// network as the ML.NET face's fitted chain (<see cref="ImageClassificationEstimator.ToTransformer"/>: decode, resize,
/// pixels, the network as ONNX, the predicted label) followed by <c>MapKeyToValue</c>, so that it reads the input
/// Model Builder's image-classification code feeds and writes what its <c>ModelOutput</c> reads:
/// <list type="bullet">
/// <item><c>ImageSource</c> (<c>byte[]</c>): the encoded image (JPEG, PNG, BMP, GIF, WebP …), e.g. <c>File.ReadAllBytes(path)</c>;</item>
/// <item><c>PredictedLabel</c> (<c>string</c>): the predicted class's name;</item>
/// <item><c>Score</c> (<c>float[]</c>): the probabilities in the order of the classes (the column's slot names);</item>
/// <item><c>Cam</c>, <c>Caam</c> (<c>float[]</c>, row-major at feature resolution): the predicted class's CAM and the CAAM, so
/// that <c>camloss explain --model model.zip</c> can draw them (a <c>ModelOutput</c> that does not declare them never reads them).</item>
/// </list>
/// <c>mlContext.Model.Load</c> reads it in any process that references Microsoft.ML.CamLoss (for the chain's two
/// <c>CustomMapping</c>s) and ONNX Runtime's natives; scoring needs no TorchSharp backend.
/// </summary>
/// <remarks>
/// The network was trained on the library's resize (PIL's antialiased bilinear), which ML.NET's <c>ResizeImages</c> does
/// not reproduce (on flowers12, 224 → 32: 33 of 240 labels differed). So when the training images share one size, the
/// chain's <c>ResizeImages</c> brings every image to that size (a copy for images of it) and the graph resizes to the
/// network's size as the library does (<see cref="ImageClassificationEstimator.ToTransformer"/>'s source size): images of
/// the training images' size score as the TorchSharp model scores them. Images of another size, and every image when the
/// training images' sizes differ, go through ML.NET's resize, whose arithmetic differs from the library's: probabilities
/// move a little and a near tie can change its label.
/// </remarks>
internal static class MLNetModelZip
{
    /// <summary>The image column: encoded bytes, named as in Model Builder's generated code.</summary>
    public const string ImageColumn = "ImageSource";

    /// <summary>How many training images <see cref="CommonSize"/> decodes, spread evenly over the data set.</summary>
    public const int SizeSample = 32;

    /// <summary>
    /// The largest common size (in pixels) the graph resizes from: 1024 × 1024 (12 MB of floats per image between ML.NET
    /// and the graph); training images larger than that go through ML.NET's resize.
    /// </summary>
    public const long MaxGraphResizePixels = 1024 * 1024;

    /// <summary>Writes <paramref name="model"/> as an ML.NET model to <paramref name="path"/>, atomically.</summary>
    /// <param name="model">The trained model.</param>
    /// <param name="path">The file to write.</param>
    /// <param name="imageSize">The size the training images share (<see cref="CommonSize"/>), or null.</param>
    /// <exception cref="NotSupportedException">The model's preprocessing has no form in ML.NET's image transforms and the ONNX graph (the message names the step).</exception>
    public static void Save(ImageClassificationModel model, string path, (int Height, int Width)? imageSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        var ml = new MLContext(seed: 0);
        var input = ml.Data.LoadFromEnumerable(Array.Empty<ImageRow>());
        using var fitted = ImageClassificationEstimator.ToTransformer(
            ml, model, ImageColumnKind.Bytes, ImageColumn, labelColumn: "Label", ResizedSize(model), ImageResizingEstimator.ResizingKind.Fill,
            OnnxMaps.CamAndCaam, MapResolution.Feature, input, imageSize);
        var labelNames = ml.Transforms.Conversion.MapKeyToValue(MLNetColumns.PredictedLabel).Fit(fitted.Transform(input));
        var chain = new TransformerChain<ITransformer>(fitted.Chain, labelNames);
        AtomicFile.Write(path, stream => ml.Model.Save(chain, input.Schema, stream));
    }

    /// <summary>
    /// The size (height, width) of the training images when the <see cref="SizeSample"/> of them spread over
    /// <paramref name="train"/> share one of at most <see cref="MaxGraphResizePixels"/>, else null (images that cannot be
    /// decoded are passed over).
    /// </summary>
    public static (int Height, int Width)? CommonSize(ImageDataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        (int, int)? common = null;
        var step = Math.Max(1, train.Count / SizeSample);
        for (var i = 0; i < train.Count; i += step)
        {
            try
            {
                using var image = ImageDecoding.DecodeRgb(train[i].Image, train.MaxImagePixels);
                var size = ((int)image.shape[0], (int)image.shape[1]);
                if (common is not null && common != size)
                {
                    return null;
                }

                common = size;
            }
            catch (DatasetException)
            {
            }
        }

        return common is { } found && (long)found.Item1 * found.Item2 <= MaxGraphResizePixels ? common : null;
    }

    /// <summary>
    /// The size the network's preprocessing resizes images to (by ML.NET's <c>ResizeImages</c>, or by the graph after it):
    /// the scoring preprocessing's last fixed-size resize (a centre crop after it happens inside the graph), else the size
    /// its steps end with, else the recorded input shape.
    /// </summary>
    private static (int Height, int Width) ResizedSize(ImageClassificationModel model)
    {
        var client = OnnxPreprocessing.Split(model.Preprocessing).Client;
        if (client.Transforms.OfType<ResizeTransform>().LastOrDefault(r => r.Height is not null) is { Height: { } height, Width: { } width })
        {
            return (height, width);
        }

        if (OnnxPreprocessing.OutputSize(client) is { } size)
        {
            return size;
        }

        var shape = model.InputShape;
        return shape.Count == 3 && shape[1] > 0 && shape[2] > 0
            ? ((int)shape[1], (int)shape[2])
            : throw new NotSupportedException($"the model's preprocessing ({model.Preprocessing}) fixes no input size, which ML.NET's ONNX transformer needs");
    }

    /// <summary>The input row: the encoded image.</summary>
    private sealed class ImageRow
    {
        [ColumnName(ImageColumn)]
        public byte[] ImageSource { get; set; } = [];
    }
}
