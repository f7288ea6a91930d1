using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Microsoft.ML.CamLoss.Onnx.Protobuf;

namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>
/// Reads an ONNX model file for its weights and structure (not to run it: ONNX Runtime does that):
/// the graph's nodes with their attributes, its float32 initializers (<c>raw_data</c> little-endian or
/// <c>float_data</c>), and its single input and output. Used to import pretrained networks such as the
/// ImageNet ResNet-18 of <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>; the mappers that turn a graph
/// into our parameter names follow the edges, so the file's node order does not matter.
/// </summary>
/// <remarks>
/// Our own reader because ML.NET's ONNX protobuf classes are internal and ONNX Runtime exposes a
/// session's inputs and outputs, not its initializers or edges. Everything the mappers do not
/// understand is an error naming the file; nothing is skipped silently. Initializers stored outside
/// the file (<c>data_location = EXTERNAL</c>) and other element types are refused.
/// </remarks>
internal static class OnnxWeightsReader
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not an ONNX model, or holds something this reader does not read.</exception>
    public static OnnxGraph Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The ONNX file '{path}' does not exist.", path);
        }

        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"'{path}' is not an ONNX model file ({e.Message}).", e);
        }

        return FromModel(model, path);
    }

    /// <summary>Reads a parsed <paramref name="model"/>; <paramref name="path"/> names it in messages.</summary>
    public static OnnxGraph FromModel(ModelProto model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        var producer = $"{model.ProducerName} {model.ProducerVersion}".Trim();
        if (model.Graph is not { } graph || graph.Node.Count == 0)
        {
            throw new InvalidDataException($"'{path}' is not an ONNX model file (it has no graph nodes).");
        }

        var initializers = new Dictionary<string, OnnxInitializer>();
        foreach (var tensor in graph.Initializer)
        {
            var initializer = ReadInitializer(tensor, path, producer);
            if (!initializers.TryAdd(initializer.Name, initializer))
            {
                throw new InvalidDataException($"'{path}' ({producer}): the initializer '{initializer.Name}' appears twice.");
            }
        }

        var inputs = graph.Input.Where(i => !initializers.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1 || graph.Output.Count != 1)
        {
            throw new InvalidDataException(
                $"'{path}' ({producer}): expected one image input and one output; the graph has inputs [{string.Join(", ", inputs.Select(i => i.Name))}] and outputs [{string.Join(", ", graph.Output.Select(o => o.Name))}].");
        }

        var nodes = graph.Node.Select((n, i) => new OnnxNode(n, i)).ToList();
        return new OnnxGraph(path, producer, nodes, initializers, (inputs[0].Name, Shape(inputs[0])), (graph.Output[0].Name, Shape(graph.Output[0])));
    }

    private static OnnxInitializer ReadInitializer(TensorProto tensor, string path, string producer)
    {
        var name = tensor.Name;
        if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
        {
            throw new InvalidDataException($"'{path}' ({producer}): the initializer '{name}' has ONNX element type {tensor.DataType}; only float32 (1) weights are read.");
        }

        if (tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0)
        {
            throw new InvalidDataException($"'{path}' ({producer}): the initializer '{name}' is stored in an external file, which this reader does not follow.");
        }

        long[] shape = [.. tensor.Dims];
        if (shape.Any(d => d < 0))
        {
            throw new InvalidDataException($"'{path}' ({producer}): the initializer '{name}' has a negative dimension [{string.Join(", ", shape)}].");
        }

        var count = shape.Aggregate(1L, (a, b) => checked(a * b));
        float[] values;
        if (tensor.HasRawData)
        {
            var raw = tensor.RawData.Span;
            if (raw.Length != count * sizeof(float))
            {
                throw new InvalidDataException($"'{path}' ({producer}): the initializer '{name}' has {raw.Length} bytes of data for shape [{string.Join(", ", shape)}] ({count * sizeof(float)} expected).");
            }

            values = new float[count];
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.Cast<byte, float>(raw).CopyTo(values);
            }
            else
            {
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * sizeof(float))..]);
                }
            }
        }
        else
        {
            if (tensor.FloatData.Count != count)
            {
                throw new InvalidDataException($"'{path}' ({producer}): the initializer '{name}' has {tensor.FloatData.Count} values for shape [{string.Join(", ", shape)}] ({count} expected).");
            }

            values = [.. tensor.FloatData];
        }

        return new OnnxInitializer(name, shape, values);
    }

    private static long[] Shape(ValueInfoProto value) =>
        value.Type?.TensorType?.Shape is { } shape ? [.. shape.Dim.Select(d => d.HasDimValue ? d.DimValue : -1)] : [];
}
