namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>
/// An ONNX graph read for its weights (see <see cref="OnnxWeightsReader"/>): the nodes in file order,
/// the float32 initializers by name, the single graph input and output with their declared shapes, and
/// who produces and who consumes each tensor, so a mapper can follow the graph edge by edge.
/// </summary>
internal sealed class OnnxGraph
{
    private readonly Dictionary<string, OnnxNode> _producers = [];
    private readonly Dictionary<string, List<OnnxNode>> _consumers = [];

    public OnnxGraph(string path, string producer, IReadOnlyList<OnnxNode> nodes, IReadOnlyDictionary<string, OnnxInitializer> initializers, (string Name, long[] Shape) input, (string Name, long[] Shape) output)
    {
        Path = path;
        Producer = producer;
        Nodes = nodes;
        Initializers = initializers;
        Input = input;
        Output = output;
        foreach (var node in nodes)
        {
            foreach (var name in node.Outputs.Where(n => n.Length > 0))
            {
                if (!_producers.TryAdd(name, node))
                {
                    throw Error($"the tensor '{name}' is produced by both {_producers[name]} and {node}");
                }
            }

            foreach (var name in node.Inputs.Where(n => n.Length > 0).Distinct())
            {
                if (!_consumers.TryGetValue(name, out var list))
                {
                    _consumers[name] = list = [];
                }

                list.Add(node);
            }
        }
    }

    /// <summary>The file the graph came from (for messages).</summary>
    public string Path { get; }

    /// <summary>The producing tool and version, e.g. <c>CNTK 2.6</c>.</summary>
    public string Producer { get; }

    /// <summary>The nodes, in file order.</summary>
    public IReadOnlyList<OnnxNode> Nodes { get; }

    /// <summary>The float32 initializers by name.</summary>
    public IReadOnlyDictionary<string, OnnxInitializer> Initializers { get; }

    /// <summary>The graph's one input that is not an initializer, with its declared shape (−1 for a symbolic dimension).</summary>
    public (string Name, long[] Shape) Input { get; }

    /// <summary>The graph's one output, with its declared shape.</summary>
    public (string Name, long[] Shape) Output { get; }

    /// <summary>The nodes that read <paramref name="tensor"/>.</summary>
    public IReadOnlyList<OnnxNode> Consumers(string tensor) => _consumers.TryGetValue(tensor, out var list) ? list : [];

    /// <summary>An <see cref="InvalidDataException"/> naming the file: "'path' (producer): what".</summary>
    public InvalidDataException Error(string what) => new($"'{Path}' ({Producer}): {what}.");
}
