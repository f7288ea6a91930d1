namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>A float32 initializer (a stored weight) of an ONNX graph: its name, shape and values in row-major order.</summary>
internal sealed record OnnxInitializer(string Name, long[] Shape, float[] Values)
{
    /// <summary>The shape as <c>[64, 3, 7, 7]</c>.</summary>
    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}
