namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>
/// A value of the graph being written and its per-image shape <c>[Channels, Height, Width]</c>
/// (the batch comes first and is dynamic). Height and width are −1 when the input size is dynamic.
/// </summary>
internal readonly record struct FeatureMap(string Name, long Channels, long Height, long Width)
{
    /// <summary>The same shape under another value name.</summary>
    public FeatureMap Renamed(string name) => this with { Name = name };

    /// <summary>The side a convolution or pooling window gives: <c>⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1</c>, or −1 for a dynamic side.</summary>
    public static long Side(long n, long kernel, long stride, long padding, long dilation) =>
        n < 0 ? -1 : ((n + (2 * padding) - (dilation * (kernel - 1)) - 1) / stride) + 1;
}
