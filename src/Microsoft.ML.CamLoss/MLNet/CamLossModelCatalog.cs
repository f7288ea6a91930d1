using Microsoft.ML.CamLoss.MLNet;
using Microsoft.ML.CamLoss.Onnx;

namespace Microsoft.ML;

/// <summary>
/// Loading a saved model that holds a CAM-loss classifier. ML.NET's own <c>mlContext.Model.Load</c> works in a fresh
/// process (ML.NET records the assembly of each <c>CustomMapping</c> factory and registers it when it loads the model);
/// <c>mlContext.Model.LoadCamLossModel(path, out schema)</c> is that <c>Load</c> with ONNX Runtime's telemetry switched
/// off first (ML.NET's <c>Load</c> switches it off itself only when the model reads image bytes, whose decoding mapping
/// comes before the ONNX graph) and a damaged file reported by name (ML.NET creates each saved transformer by reflection, so a
/// damaged entry surfaces as a <c>TargetInvocationException</c>; the message quotes its innermost cause).
/// </summary>
public static class CamLossModelCatalog
{
    /// <summary>Switches ONNX Runtime's telemetry off and loads <paramref name="path"/> with ML.NET's <c>Model.Load</c>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is truncated or corrupt, or not an ML.NET model.</exception>
    public static ITransformer LoadCamLossModel(this ModelOperationsCatalog catalog, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        }

        OnnxRuntimeTelemetry.Disable();
        MLImageType.Register();
        try
        {
            return catalog.Load(path, out inputSchema);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or EndOfStreamException or InvalidOperationException or System.Reflection.TargetInvocationException)
        {
            var cause = e;
            while (cause.InnerException is { } inner)
            {
                cause = inner;
            }

            throw new InvalidDataException($"Model file '{path}' is truncated or corrupt ({cause.Message.TrimEnd('.')}); save the model again.", e);
        }
    }

    /// <summary>A prediction engine that many threads may call at once (a pool of ML.NET prediction engines; see <see cref="ConcurrentPredictionEngine{TSrc, TDst}"/>).</summary>
    /// <typeparam name="TSrc">The input row class.</typeparam>
    /// <typeparam name="TDst">The output row class.</typeparam>
    public static ConcurrentPredictionEngine<TSrc, TDst> CreateConcurrentPredictionEngine<TSrc, TDst>(this ModelOperationsCatalog catalog, ITransformer model)
        where TSrc : class
        where TDst : class, new()
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        return new(() => catalog.CreatePredictionEngine<TSrc, TDst>(model));
    }
}
