using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Scoring;

namespace Microsoft.ML.CamLoss.MLNet;

/// <summary>
/// The fitted model as ML.NET's own transformers: <see cref="MLNetPreprocessing.Pixels"/> (floats) →
/// <c>ApplyOnnxModel</c> (the exported network: <c>Score</c> with the class names as slot names, the requested maps, and
/// the predicted class's name) → <see cref="FirstSlot"/> → <c>MapValueToKey</c> with the class names as key data (so
/// <c>PredictedLabel</c> is a key whose values are the class names) → the temporary columns dropped.
/// </summary>
internal static class MLNetScoringChain
{
    /// <summary>The ONNX export options the chain expects: input <see cref="MLNetColumns.Pixels"/>, the predicted name output, fixed input size.</summary>
    public static OnnxExportOptions ExportOptions((int Height, int Width) size, OnnxMaps maps, Microsoft.ML.CamLoss.Scoring.MapResolution resolution) => new()
    {
        InputName = MLNetColumns.Pixels,
        LogitsName = MLNetColumns.Logits,
        PredictedLabelName = MLNetColumns.PredictedName,
        InputSize = size,
        Maps = maps,
        MapResolution = resolution,
    };

    /// <summary>The estimator chain over <paramref name="onnx"/> (the graph's bytes) with <paramref name="classNames"/> as the key values.</summary>
    public static IEstimator<ITransformer> Create(
        MLContext ml, ImageColumnKind kind, string imageColumn, (int Height, int Width) size, Microsoft.ML.Transforms.Image.ImageResizingEstimator.ResizingKind resizing,
        byte[] onnx, IReadOnlyList<string> classNames, OnnxMaps maps)
    {
        OnnxRuntimeTelemetry.Disable();
        var outputs = new List<string> { MLNetColumns.Score, MLNetColumns.PredictedName };
        outputs.AddRange(new[] { (OnnxMaps.Cam, OnnxNames.Cam), (OnnxMaps.Caam, OnnxNames.Caam), (OnnxMaps.Cams, OnnxNames.Cams) }.Where(m => maps.HasFlag(m.Item1)).Select(m => m.Item2));
        var keyData = ml.Data.LoadFromEnumerable(classNames.Select(name => new ClassNameRow { Name = name }));
        return MLNetPreprocessing.Pixels(ml, kind, imageColumn, size, resizing, asFloat: true)
            .Append(ml.Transforms.ApplyOnnxModel([.. outputs], [MLNetColumns.Pixels], new MemoryStream(onnx, writable: false)))
            .Append(ml.Transforms.CustomMapping(new FirstSlot().GetMapping(), FirstSlot.ContractName))
            .Append(ml.Transforms.Conversion.MapValueToKey(MLNetColumns.PredictedLabel, MLNetColumns.PredictedText, keyData: keyData))
            .Append(ml.Transforms.DropColumns([.. MLNetPreprocessing.TemporaryColumns(kind), MLNetColumns.PredictedName, MLNetColumns.PredictedText]));
    }

    /// <summary>One class name (the key data of <c>PredictedLabel</c>).</summary>
    private sealed class ClassNameRow
    {
        public string Name { get; set; } = string.Empty;
    }
}
