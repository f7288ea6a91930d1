using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>One ONNX Runtime session (all graph optimisations, <c>threads</c> intra-op threads, sequential) run on a fixed random [0, 1] batch; each step reads the predicted classes.</summary>
internal sealed class OnnxRunner : IStepRunner
{
    private readonly InferenceSession _session;
    private readonly OrtValue _input;
    private readonly int _classes;

    public OnnxRunner(byte[] onnx, int batch, int image, int threads)
    {
        OnnxRuntimeTelemetry.Disable();
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(onnx, options);
        _classes = _session.OutputMetadata[OnnxNames.Score].Dimensions[1];
        var random = new Random(0);
        _input = OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, batch * 3 * image * image).Select(_ => random.NextSingle()).ToArray(), [batch, 3, image, image]);
    }

    public void Step()
    {
        using var runOptions = new RunOptions();
        using var results = _session.Run(runOptions, [OnnxNames.Pixels], [_input], [OnnxNames.Score]);
        var scores = results.First().GetTensorDataAsSpan<float>();
        var predicted = new int[scores.Length / _classes];
        for (var b = 0; b < predicted.Length; b++)
        {
            var row = scores.Slice(b * _classes, _classes);
            predicted[b] = row.IndexOf(System.Numerics.Tensors.TensorPrimitives.Max(row));
        }
    }

    public void Dispose()
    {
        _input.Dispose();
        _session.Dispose();
    }
}
