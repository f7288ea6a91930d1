using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>How <see cref="OnnxImageClassifier"/> runs its ONNX Runtime session.</summary>
public sealed class OnnxImageClassifierOptions
{
    /// <summary>Threads one forward pass uses; default 0: ONNX Runtime's choice (one per physical core).</summary>
    public int IntraOpThreads;

    /// <summary>
    /// Adjusts the session options before the session is created, e.g. to append an execution provider
    /// (<c>o => o.AppendExecutionProvider_CUDA(0)</c> with the <c>Microsoft.ML.OnnxRuntime.Gpu</c> package);
    /// default null. It is called after telemetry is switched off (<see cref="OnnxRuntimeTelemetry"/>).
    /// </summary>
    public Action<SessionOptions>? ConfigureSession;
}
