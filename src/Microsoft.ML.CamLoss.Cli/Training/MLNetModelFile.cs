using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.MLNet;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Pipelines;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.CamLoss.Cli.Training;

/// <summary>
/// The ML.NET model file <c>camloss train</c> writes beside the model (<c>model.zip</c> in the run folder): the trained
/// network as the ML.NET face's fitted chain (<see cref="ImageClassificationEstimator.ToTransformer"/>: decode, resize,
/// pixels, the network as ONNX, the predicted label) followed by <c>MapKeyToValue</c>, so that it reads the input
/// Model Builder's image-classification code feeds and writes what its <c>ModelOutput</c> reads:
/// <list type="bullet">
/// <item><c>ImageSource</c> (<c>byte[]</c>): the encoded image (JPEG, PNG, BMP, GIF, WebP …), e.g. <c>File.ReadAllBytes(path)</c>;</item>
/// <item><c>PredictedLabel</c> (<c>string</c>): the predicted class's name;</item>
/// <item><c>Score</c> (<c>float[]</c>): the probabilities in the order of the classes (the column's slot names).</item>
/// </list>
/// <c>mlContext.Model.Load</c> reads it in any process that references Microsoft.ML.CamLoss (for the chain's two
/// <c>CustomMapping</c>s) and ONNX Runtime's natives; scoring needs no TorchSharp backend.
/// </summary>
/// <remarks>
/// The chain resizes with ML.NET's <c>ResizeImages</c> (stretching, as the training preprocessing's fixed-size resize; the
/// ImageNet networks' centre crop follows inside the graph), not with the library's PIL-exact resize: an image already at
/// the resized size scores as the model file scores it; a resized one scores from pixels that differ by the two
/// resamplers' arithmetic, so probabilities move a little and a near tie can change its label.
/// </remarks>
internal static class MLNetModelFile
{
    /// <summary>The image column: encoded bytes, named as in Model Builder's generated code.</summary>
    public const string ImageColumn = "ImageSource";

    /// <summary>Writes <paramref name="model"/> as an ML.NET model to <paramref name="path"/>, atomically.</summary>
    /// <exception cref="NotSupportedException">The model's preprocessing has no form in ML.NET's image transforms and the ONNX graph (the message names the step).</exception>
    public static void Save(ImageClassificationModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        var ml = new MLContext(seed: 0);
        var input = ml.Data.LoadFromEnumerable(Array.Empty<ImageRow>());
        using var fitted = ImageClassificationEstimator.ToTransformer(
            ml, model, ImageColumnKind.Bytes, ImageColumn, labelColumn: "Label", ResizedSize(model), ImageResizingEstimator.ResizingKind.Fill,
            OnnxMaps.None, MapResolution.Feature, input);
        var labelNames = ml.Transforms.Conversion.MapKeyToValue(MLNetColumns.PredictedLabel).Fit(fitted.Transform(input));
        var chain = new TransformerChain<ITransformer>(fitted.Chain, labelNames);
        AtomicFile.Write(path, stream => ml.Model.Save(chain, input.Schema, stream));
    }

    /// <summary>
    /// The size ML.NET's <c>ResizeImages</c> brings images to: the scoring preprocessing's last fixed-size resize (a centre
    /// crop after it happens inside the graph), else the size its steps end with, else the recorded input shape.
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
