using TorchSharp;
using TorchSharp.Modules;
using static Microsoft.ML.CamLoss.Onnx.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>
/// Writes TorchSharp layers as ONNX nodes (float32 weights, evaluation-mode semantics) and tracks
/// each value's shape: convolutions (with the BatchNorm after them folded in, or kept), BatchNorm,
/// ReLU, addition, max pooling, and the option-A shortcut of a CIFAR ResNet. Each node is named
/// after the module path it comes from (e.g. <c>layer1.0.conv1</c>).
/// </summary>
internal sealed class OnnxLayerWriter(OnnxGraphBuilder graph, bool foldBatchNorm)
{
    /// <summary>The graph written to.</summary>
    public OnnxGraphBuilder Graph { get; } = graph;

    /// <summary>
    /// <c>conv(x)</c> followed by <paramref name="batchNorm"/> when given: one <c>Conv</c> with the
    /// BatchNorm folded into its weight and bias (<see cref="BatchNormFolding"/>), or, without folding,
    /// a <c>Conv</c> and a <c>BatchNormalization</c> node.
    /// </summary>
    /// <exception cref="NotSupportedException">The convolution pads other than with zeros, or uses a padding rule ("same"/"valid").</exception>
    public FeatureMap Convolution(Conv2d conv, string path, BatchNorm2d? batchNorm, string batchNormPath, FeatureMap x)
    {
        CheckConvolution(conv, path, x);
        if (batchNorm is not null && foldBatchNorm)
        {
            BatchNormFolding.CheckEvaluationMode(batchNorm, batchNormPath);
            var (foldedWeight, foldedBias) = BatchNormFolding.Fold(conv, batchNorm);
            return Conv(
                conv, path, x, Graph.Initializer($"{path}.weight", foldedWeight, conv.weight.shape), Graph.Initializer($"{path}.bias", foldedBias, conv.out_channels));
        }

        var weight = Graph.Initializer($"{path}.weight", Floats(conv.weight), conv.weight.shape);
        var bias = conv.bias is null ? null : Graph.Initializer($"{path}.bias", Floats(conv.bias), conv.out_channels);
        var y = Conv(conv, path, x, weight, bias);
        return batchNorm is null ? y : BatchNorm(batchNorm, batchNormPath, y);
    }

    /// <summary><c>BatchNormalization</c> in inference mode with the running statistics: <c>(x − μ) / √(σ² + ε) · γ + β</c>.</summary>
    public FeatureMap BatchNorm(BatchNorm2d batchNorm, string path, FeatureMap x)
    {
        BatchNormFolding.CheckEvaluationMode(batchNorm, path);
        if (batchNorm.num_features != x.Channels)
        {
            throw ModuleChildren.Unsupported(batchNorm, path, $"it normalises {batchNorm.num_features} channels but receives {x.Channels}");
        }

        var (scale, shift) = BatchNormFolding.Affine(batchNorm);
        long n = batchNorm.num_features;
        string[] inputs =
        [
            x.Name,
            Graph.Initializer($"{path}.weight", scale, n),
            Graph.Initializer($"{path}.bias", shift, n),
            Graph.Initializer($"{path}.running_mean", Floats(batchNorm.running_mean!), n),
            Graph.Initializer($"{path}.running_var", Floats(batchNorm.running_var!), n),
        ];
        return x.Renamed(Graph.Node("BatchNormalization", path, inputs, null, Attribute("epsilon", (float)batchNorm.eps)));
    }

    /// <summary><c>max(x, 0)</c>.</summary>
    public FeatureMap Relu(FeatureMap x, string name) => x.Renamed(Graph.Node("Relu", name, [x.Name]));

    /// <summary><c>a + b</c> (same shapes).</summary>
    /// <exception cref="NotSupportedException">The shapes differ (a block whose branches do not meet).</exception>
    public FeatureMap Add(FeatureMap a, FeatureMap b, string name)
    {
        if (a.Channels != b.Channels || a.Height != b.Height || a.Width != b.Width)
        {
            throw new NotSupportedException(
                $"Cannot export '{name}': its residual branch gives [{a.Channels}, {a.Height}, {a.Width}] but its shortcut [{b.Channels}, {b.Height}, {b.Width}].");
        }

        return a.Renamed(Graph.Node("Add", name, [a.Name, b.Name]));
    }

    /// <summary>Max pooling with a square window, as <c>F.max_pool2d(x, kernel, stride, padding)</c> (padding never wins the max).</summary>
    public FeatureMap MaxPool(FeatureMap x, long kernel, long stride, long padding, string name)
    {
        var y = Graph.Node(
            "MaxPool", name, [x.Name], null,
            Attribute("kernel_shape", [kernel, kernel]), Attribute("strides", [stride, stride]), Attribute("pads", [padding, padding, padding, padding]));
        return new FeatureMap(y, x.Channels, FeatureMap.Side(x.Height, kernel, stride, padding, 1), FeatureMap.Side(x.Width, kernel, stride, padding, 1));
    }

    /// <summary>
    /// The option-A shortcut of a CIFAR ResNet: every second pixel (<c>x[:, :, ::2, ::2]</c>), then
    /// <paramref name="padChannels"/> zero channels before and after.
    /// </summary>
    public FeatureMap SubsampleAndPad(FeatureMap x, long padChannels, string name)
    {
        var starts = Graph.Initializer($"{name}.starts", [0L, 0L], 2);
        var ends = Graph.Initializer($"{name}.ends", [long.MaxValue, long.MaxValue], 2);
        var axes = Graph.Initializer($"{name}.axes", [2L, 3L], 2);
        var steps = Graph.Initializer($"{name}.steps", [2L, 2L], 2);
        var subsampled = Graph.Node("Slice", $"{name}.subsample", [x.Name, starts, ends, axes, steps]);
        var pads = Graph.Initializer($"{name}.pads", [0L, padChannels, 0L, 0L, 0L, padChannels, 0L, 0L], 8);
        var padded = Graph.Node("Pad", $"{name}.pad", [subsampled, pads], null, Attribute("mode", "constant"));
        return new FeatureMap(padded, x.Channels + (2 * padChannels), Half(x.Height), Half(x.Width));
    }

    /// <summary>A float32 copy of <paramref name="tensor"/>'s values (any dtype and device), row-major.</summary>
    public static float[] Floats(Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return tensor.detach().to(ScalarType.Float32, torch.CPU).contiguous().data<float>().ToArray();
    }

    private static long Half(long n) => n < 0 ? -1 : (n + 1) / 2;

    private static void CheckConvolution(Conv2d conv, string path, FeatureMap x)
    {
        if (conv.padding_mode != PaddingModes.Zeros || conv.padding_type is not null || conv.padding is null || conv.transposed)
        {
            throw ModuleChildren.Unsupported(conv, path, "only convolutions with explicit zero padding are exported");
        }

        if (conv.in_channels != x.Channels)
        {
            throw ModuleChildren.Unsupported(conv, path, $"it takes {conv.in_channels} channels but receives {x.Channels}");
        }
    }

    private FeatureMap Conv(Conv2d conv, string path, FeatureMap x, string weight, string? bias)
    {
        var (kernel, stride, padding, dilation) = (conv.kernel_size, conv.stride, conv.padding!, conv.dilation);
        var y = Graph.Node(
            "Conv", path, bias is null ? [x.Name, weight] : [x.Name, weight, bias], null,
            Attribute("kernel_shape", kernel),
            Attribute("strides", stride),
            Attribute("pads", [padding[0], padding[1], padding[0], padding[1]]),
            Attribute("dilations", dilation),
            Attribute("group", conv.groups));
        return new FeatureMap(
            y, conv.out_channels,
            FeatureMap.Side(x.Height, kernel[0], stride[0], padding[0], dilation[0]),
            FeatureMap.Side(x.Width, kernel[1], stride[1], padding[1], dilation[1]));
    }
}
