using System.Runtime.InteropServices;
using System.Text;
using Google.Protobuf;
using Microsoft.ML.CamLoss.Onnx.Protobuf;
using static Microsoft.ML.CamLoss.Onnx.Protobuf.TensorProto.Types;

namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>
/// Builds a <see cref="GraphProto"/> node by node in topological order: values get unique names
/// (derived from the module path that makes them, e.g. <c>layer1.0.conv1</c>), initializers are
/// stored as little-endian <c>raw_data</c>, and names the caller asks for exactly (the graph's inputs
/// and outputs) are reserved up front so that no internal value takes them.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);
    private readonly HashSet<string> _defined = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);

    /// <summary>Creates an empty graph named <paramref name="name"/>.</summary>
    public OnnxGraphBuilder(string name) => Graph = new GraphProto { Name = name };

    /// <summary>The graph built so far.</summary>
    public GraphProto Graph { get; }

    /// <summary>Keeps <paramref name="name"/> free for a later <see cref="Define"/> (a graph input or output).</summary>
    public void Reserve(string name) => _taken.Add(name);

    /// <summary>A value name not used before: <paramref name="hint"/>, or <c>hint_2</c>, <c>hint_3</c> ….</summary>
    public string Fresh(string hint)
    {
        var name = hint;
        for (var n = 2; !_taken.Add(name); n++)
        {
            name = $"{hint}_{n}";
        }

        return name;
    }

    /// <summary>Marks <paramref name="name"/> as produced (by a node, an initializer or as an input); each name is produced once.</summary>
    /// <exception cref="InvalidOperationException">The name is already produced (a bug in the graph writer).</exception>
    public string Define(string name)
    {
        _taken.Add(name);
        return _defined.Add(name) ? name : throw new InvalidOperationException($"The ONNX value '{name}' would be produced twice.");
    }

    /// <summary>Adds a float32 initializer (a copy of <paramref name="values"/>) under a fresh name from <paramref name="hint"/>.</summary>
    public string Initializer(string hint, ReadOnlySpan<float> values, params long[] dims) =>
        AddInitializer(hint, DataType.Float, MemoryMarshal.AsBytes(values), dims);

    /// <summary>Adds an int64 initializer under a fresh name from <paramref name="hint"/>.</summary>
    public string Initializer(string hint, ReadOnlySpan<long> values, params long[] dims) =>
        AddInitializer(hint, DataType.Int64, MemoryMarshal.AsBytes(values), dims);

    /// <summary>Adds a string initializer (UTF-8) named exactly <paramref name="name"/>.</summary>
    public string StringInitializer(string name, IReadOnlyList<string> values, params long[] dims)
    {
        var tensor = new TensorProto { Name = Define(name), DataType = (int)DataType.String };
        tensor.Dims.AddRange(dims);
        tensor.StringData.AddRange(values.Select(v => ByteString.CopyFrom(v, Encoding.UTF8)));
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a node with one output, a fresh value named after <paramref name="name"/> unless <paramref name="output"/> gives it.</summary>
    /// <returns>The output's name.</returns>
    public string Node(string opType, string name, IReadOnlyList<string> inputs, string? output = null, params AttributeProto[] attributes)
    {
        output = output is null ? Define(Fresh(name)) : Define(output);
        AddNode(opType, name, inputs, [output], string.Empty, attributes);
        return output;
    }

    /// <summary>Adds a node with the given outputs (already <see cref="Define"/>d) in <paramref name="domain"/> (empty: the default <c>ai.onnx</c>).</summary>
    public NodeProto AddNode(string opType, string name, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, string domain, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = UniqueNodeName(name), Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return node;
    }

    /// <summary>Declares a graph input named exactly <paramref name="name"/>.</summary>
    public void Input(string name, DataType type, params OnnxDimension[] dims) => Graph.Input.Add(ValueInfo(Define(name), type, dims));

    /// <summary>Declares <paramref name="name"/> (already produced) a graph output.</summary>
    public void Output(string name, DataType type, params OnnxDimension[] dims) => Graph.Output.Add(ValueInfo(name, type, dims));

    /// <summary>An <c>INT</c> attribute.</summary>
    public static AttributeProto Attribute(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A <c>FLOAT</c> attribute.</summary>
    public static AttributeProto Attribute(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>A <c>STRING</c> attribute (UTF-8).</summary>
    public static AttributeProto Attribute(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFrom(value, Encoding.UTF8) };

    /// <summary>An <c>INTS</c> attribute.</summary>
    public static AttributeProto Attribute(string name, IEnumerable<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A <c>STRINGS</c> attribute (UTF-8).</summary>
    public static AttributeProto Attribute(string name, IEnumerable<string> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        attribute.Strings.AddRange(values.Select(v => ByteString.CopyFrom(v, Encoding.UTF8)));
        return attribute;
    }

    private static ValueInfoProto ValueInfo(string name, DataType type, OnnxDimension[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims.Select(d => d.Symbol is null
            ? new TensorShapeProto.Types.Dimension { DimValue = d.Size }
            : new TensorShapeProto.Types.Dimension { DimParam = d.Symbol }));
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    private string AddInitializer(string hint, DataType type, ReadOnlySpan<byte> littleEndian, long[] dims)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX export writes raw little-endian tensors; this machine is big-endian.");
        }

        var tensor = new TensorProto { Name = Define(Fresh(hint)), DataType = (int)type, RawData = ByteString.CopyFrom(littleEndian) };
        tensor.Dims.AddRange(dims);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    private string UniqueNodeName(string name)
    {
        var unique = name;
        for (var n = 2; !_nodeNames.Add(unique); n++)
        {
            unique = $"{name}_{n}";
        }

        return unique;
    }
}
