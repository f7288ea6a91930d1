using Google.Protobuf;
using Microsoft.ML.CamLoss.Onnx.Protobuf;

namespace Microsoft.ML.CamLoss.Tests.Models.ImageNet;

/// <summary>
/// Builds small ONNX graphs shaped like the CNTK export in Microsoft.ML.DnnImageFeaturizer.ResNet18 (same
/// operators, attributes, padding convention and node order: a block's shortcut convolution before its main
/// path), with few channels, so the mapping is tested on data the test makes itself. Every initializer
/// holds distinct values, and <see cref="Sources"/> says which initializer each torchvision name should get.
/// </summary>
internal sealed class CntkGraphBuilder
{
    private readonly List<NodeProto> _nodes = [];
    private readonly List<TensorProto> _initializers = [];
    private readonly Random _random = new(13);
    private int _counter;

    /// <summary>torchvision name (e.g. <c>layer2.0.downsample.0.weight</c>) → the initializer that should land there.</summary>
    public Dictionary<string, string> Sources { get; } = [];

    /// <summary>torchvision layer name (e.g. <c>layer2.0.conv1</c>) → its node, to spoil in tests.</summary>
    public Dictionary<string, NodeProto> Layers { get; } = [];

    /// <summary>A CNTK-style ResNet: stem 7×7/2 + max pool, basic blocks, average pool over the last map; input 3×<paramref name="size"/>².</summary>
    public static (ModelProto Model, CntkGraphBuilder Builder) ResNet(int[] blocks, int[] channels, int size = 64, bool cntkPads = true)
    {
        var b = new CntkGraphBuilder();
        var x = "Input1";
        long c = 3;
        var h = (long)size;
        x = b.Conv(x, "conv1", c, channels[0], 7, 2, cntkPads, ref h);
        x = b.BatchNorm(x, "bn1", channels[0]);
        x = b.Node("Relu", "ReLU", [x]);
        var pads = cntkPads ? new long[] { 1, 1, 0, 0 } : [1, 1, 1, 1];
        x = b.Node("MaxPool", "Pooling", [x], Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", pads), Text("auto_pad", "NOTSET"), Int("storage_order", 0));
        h = ((h + 1 + (cntkPads ? 0 : 1) - 3) / 2) + 1;
        c = channels[0];
        for (var s = 0; s < 4; s++)
        {
            for (var i = 0; i < blocks[s]; i++)
            {
                var prefix = $"layer{s + 1}.{i}";
                var stride = s > 0 && i == 0 ? 2 : 1;
                var input = x;
                var inputSize = h;
                var shortcut = input;
                if (stride == 2 || c != channels[s])
                {
                    var hs = inputSize;
                    shortcut = b.Conv(input, $"{prefix}.downsample.0", c, channels[s], 1, stride, cntkPads, ref hs);
                    shortcut = b.BatchNorm(shortcut, $"{prefix}.downsample.1", channels[s]);
                }

                var y = b.Conv(input, $"{prefix}.conv1", c, channels[s], 3, stride, cntkPads, ref h);
                y = b.BatchNorm(y, $"{prefix}.bn1", channels[s]);
                y = b.Node("Relu", "ReLU", [y]);
                y = b.Conv(y, $"{prefix}.conv2", channels[s], channels[s], 3, 1, cntkPads, ref h);
                y = b.BatchNorm(y, $"{prefix}.bn2", channels[s]);
                y = b.Node("Add", "Plus", [y, shortcut]);
                x = b.Node("Relu", "ReLU", [y]);
                c = channels[s];
            }
        }

        var output = b.Node("AveragePool", "Pooling", [x], Ints("kernel_shape", h, h), Ints("strides", 1, 1), Ints("pads", 0, 0, 0, 0), Text("auto_pad", "NOTSET"), Int("count_include_pad", 0));
        return (b.Model("Input1", [1, 3, size, size], output, [1, c, 1, 1], "CNTK", "2.6"), b);
    }

    /// <summary>ResNetPreprocess.onnx in small: RGB split, concatenated BGR, minus a <paramref name="mean"/> [1, 3, size, size] (or per channel).</summary>
    public static ModelProto Preprocessing(int size, float[] mean, bool perChannel = false)
    {
        var b = new CntkGraphBuilder();
        b._nodes.Add(new NodeProto { OpType = "Split", Input = { "OriginalInput" }, Output = { "RInp", "GInp", "BInp" }, Attribute = { Int("axis", 1), Ints("split", 1, 1, 1) } });
        b._nodes.Add(new NodeProto { OpType = "Concat", Input = { "BInp", "GInp", "RInp" }, Output = { "BGRInput" }, Attribute = { Int("axis", 1) } });
        b._initializers.Add(Tensor("MeanImage", perChannel ? [1, 3, 1, 1] : [1, 3, size, size], mean));
        b._nodes.Add(new NodeProto { OpType = "Sub", Input = { "BGRInput", "MeanImage" }, Output = { "PreprocessedInput" } });
        return b.Model("OriginalInput", [1, 3, size, size], "PreprocessedInput", [1, 3, size, size], "TLC", string.Empty);
    }

    public static AttributeProto Ints(string name, params long[] values) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { values } };

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Text(string name, string value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static TensorProto Tensor(string name, long[] dims, float[] values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, Dims = { dims }, RawData = ByteString.CopyFrom(bytes) };
    }

    private string Conv(string x, string layer, long inChannels, long outChannels, int kernel, int stride, bool cntkPads, ref long size)
    {
        var weight = Weight(layer + ".weight", [outChannels, inChannels, kernel, kernel]);
        var pad = kernel / 2;
        var end = cntkPads && stride == 2 ? pad - 1 : pad;
        if (kernel == 1)
        {
            end = 0;
        }

        size = ((size + pad + end - kernel) / stride) + 1;
        var output = Node("Conv", "Convolution", [x, weight], Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Text("auto_pad", "NOTSET"), Int("group", 1), Ints("dilations", 1, 1), Ints("pads", pad, pad, end, end));
        Layers[layer] = _nodes[^1];
        return output;
    }

    private string BatchNorm(string x, string layer, long channels)
    {
        string[] parts = ["weight", "bias", "running_mean", "running_var"];
        var inputs = new List<string> { x };
        inputs.AddRange(parts.Select(p => Weight($"{layer}.{p}", [channels], positive: p == "running_var")));
        var output = Node("BatchNormalization", "BatchNormalization", [.. inputs], Int("spatial", 1), Float("epsilon", 1e-5f), Float("momentum", 0.9883497f));
        Layers[layer] = _nodes[^1];
        return output;
    }

    private string Weight(string torchName, long[] dims, bool positive = false)
    {
        var name = $"Parameter{++_counter}";
        var count = dims.Aggregate(1L, (a, d) => a * d);
        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = positive ? 0.5f + (float)_random.NextDouble() : (float)((_random.NextDouble() * 0.2) - 0.1);
        }

        _initializers.Add(Tensor(name, dims, values));
        Sources[torchName] = name;
        return name;
    }

    private string Node(string op, string prefix, string[] inputs, params AttributeProto[] attributes)
    {
        var name = $"{prefix}{++_counter}";
        var node = new NodeProto { OpType = op, Name = name, Input = { inputs }, Output = { $"{name}_Output_0" } };
        node.Attribute.Add(attributes);
        _nodes.Add(node);
        return node.Output[0];
    }

    private ModelProto Model(string input, long[] inputShape, string output, long[] outputShape, string producer, string version)
    {
        var graph = new GraphProto { Name = "CNTKGraph", Node = { _nodes }, Initializer = { _initializers } };
        graph.Input.Add(Value(input, inputShape));
        graph.Output.Add(Value(output, outputShape));
        return new ModelProto { IrVersion = 3, ProducerName = producer, ProducerVersion = version, Graph = graph, OpsetImport = { new OperatorSetIdProto { Version = 8 } } };
    }

    private static ValueInfoProto Value(string name, long[] shape)
    {
        var dims = new TensorShapeProto();
        dims.Dim.Add(shape.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = dims } } };
    }
}
