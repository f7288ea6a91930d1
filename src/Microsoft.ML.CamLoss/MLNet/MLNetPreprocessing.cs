using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.CamLoss.MLNet;

/// <summary>
/// The ML.NET transforms that bring an image column to the network's input, shared by training (bytes, for the
/// core's in-memory data set) and the fitted model (floats in [0, 1], for the ONNX graph), so that both see the same
/// pixels: [bytes → <c>MLImage</c>] → <c>ResizeImages</c> → <c>ExtractPixels</c> (planar RGB).
/// </summary>
internal static class MLNetPreprocessing
{
    /// <summary>The transforms from the image column to <see cref="MLNetColumns.Pixels"/>: bytes 0–255 (<paramref name="asFloat"/> false) or floats ×1/255.</summary>
    public static IEstimator<ITransformer> Pixels(MLContext ml, ImageColumnKind kind, string imageColumn, (int Height, int Width) size, ImageResizingEstimator.ResizingKind resizing, bool asFloat)
    {
        var source = imageColumn;
        IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>();
        if (kind == ImageColumnKind.Bytes)
        {
            chain = chain
                .Append(ml.Transforms.CopyColumns(MLNetColumns.Bytes, imageColumn))
                .Append(ml.Transforms.CustomMapping(new ImageBytesDecoding().GetMapping(), ImageBytesDecoding.ContractName));
            source = MLNetColumns.Decoded;
        }

        return chain
            .Append(ml.Transforms.ResizeImages(MLNetColumns.Resized, size.Width, size.Height, source, resizing))
            .Append(ml.Transforms.ExtractPixels(
                MLNetColumns.Pixels, MLNetColumns.Resized, ImagePixelExtractingEstimator.ColorBits.Rgb, ImagePixelExtractingEstimator.ColorsOrder.ARGB,
                interleavePixelColors: false, offsetImage: 0, scaleImage: asFloat ? 1f / 255 : 1f, outputAsFloatArray: asFloat));
    }

    /// <summary>The temporary columns <see cref="Pixels"/> adds (dropped at the end of the fitted chain).</summary>
    public static IEnumerable<string> TemporaryColumns(ImageColumnKind kind) =>
        kind == ImageColumnKind.Bytes
            ? [MLNetColumns.Bytes, MLNetColumns.Decoded, MLNetColumns.Resized, MLNetColumns.Pixels]
            : [MLNetColumns.Resized, MLNetColumns.Pixels];
}
