namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>One dimension of a graph input or output: a fixed <see cref="Size"/>, or a named dynamic one (<see cref="Symbol"/>, e.g. <c>N</c>).</summary>
internal readonly record struct OnnxDimension(long Size, string? Symbol)
{
    /// <summary>A fixed size.</summary>
    public static implicit operator OnnxDimension(long size) => new(size, null);

    /// <summary>A dynamic dimension named <paramref name="symbol"/>.</summary>
    public static implicit operator OnnxDimension(string symbol) => new(-1, symbol);

    /// <summary><paramref name="size"/> when known (≥ 0), else the dynamic dimension <paramref name="symbol"/>.</summary>
    public static OnnxDimension Known(long size, string symbol) => size >= 0 ? new(size, null) : new(-1, symbol);
}
