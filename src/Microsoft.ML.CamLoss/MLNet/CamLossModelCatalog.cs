using Microsoft.ML.CamLoss.MLNet;
using Microsoft.ML.CamLoss.Onnx;

namespace Microsoft.ML;

/// <summary>
/// Loading a saved model that holds a CAM-loss classifier: <c>mlContext.Model.LoadCamLossModel(path, out schema)</c> is
/// ML.NET's <c>Model.Load</c> after the two things a fresh process needs (this assembly registered for the model's custom
/// mappings, ONNX Runtime's telemetry off), with a damaged file reported by name.
/// </summary>
public static class CamLossModelCatalog
{
    /// <summary>Registers this library with <paramref name="catalog"/>'s context and loads <paramref name="path"/> with ML.NET's <c>Model.Load</c>.</summary>
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
        Register(catalog);
        try
        {
            return catalog.Load(path, out inputSchema);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or EndOfStreamException or InvalidOperationException)
        {
            var cause = e;
            while (cause.InnerException is { } inner)
            {
                cause = inner;
            }

            throw new InvalidDataException($"Model file '{path}' is truncated or corrupt ({cause.Message.TrimEnd('.')}); save the model again.", e);
        }
    }

    /// <summary>Registers this assembly (its <c>CustomMapping</c> factories) with the context that owns <paramref name="catalog"/>.</summary>
    /// <remarks>
    /// ML.NET keeps one component catalog per context and gives an extension no public way from a catalog to its context,
    /// so the context's environment is read from the catalog's private <c>_env</c> field (ML.NET 5.0.1; the tests guard it).
    /// </remarks>
    private static void Register(ModelOperationsCatalog catalog)
    {
        var field = typeof(ModelOperationsCatalog).GetField("_env", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic);
        if (field?.GetValue(catalog) is not Microsoft.ML.Runtime.IHostEnvironment context)
        {
            throw new InvalidOperationException(
                "This ML.NET version hides the catalog's context; register the library yourself: mlContext.ComponentCatalog.RegisterAssembly(typeof(CamLossModelCatalog).Assembly), then mlContext.Model.Load.");
        }

        context.ComponentCatalog.RegisterAssembly(typeof(ImageBytesDecoding).Assembly);
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
