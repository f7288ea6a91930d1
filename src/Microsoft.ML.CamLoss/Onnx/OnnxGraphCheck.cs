using Microsoft.ML.CamLoss.Onnx.Protobuf;

namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>
/// The structural rules of an ONNX graph that ONNX Runtime enforces when it loads one, checked on
/// every export before a byte is written: each value is produced once (by an input, an initializer
/// or a node), each node reads only values produced before it (topological order), node names are
/// distinct, and every output is produced. A violation is a bug in the exporter, reported as such,
/// rather than a file that ONNX Runtime refuses later. (Operator and type rules are checked by
/// <c>onnx.checker</c> in the fixture generator and by loading every architecture in the tests.)
/// </summary>
internal static class OnnxGraphCheck
{
    /// <summary>Checks <paramref name="graph"/>.</summary>
    /// <exception cref="InvalidOperationException">The graph breaks a rule (the message names the value or node).</exception>
    public static void Validate(GraphProto graph)
    {
        var produced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in graph.Input.Select(i => i.Name).Concat(graph.Initializer.Select(i => i.Name)))
        {
            Produce(produced, name, "graph input or initializer");
        }

        var nodeNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            if (!nodeNames.Add(node.Name))
            {
                throw Broken($"two nodes are named '{node.Name}'");
            }

            if (node.Input.FirstOrDefault(input => input.Length > 0 && !produced.Contains(input)) is { } missing)
            {
                throw Broken($"node '{node.Name}' ({node.OpType}) reads '{missing}' before anything produces it");
            }

            foreach (var output in node.Output)
            {
                Produce(produced, output, $"node '{node.Name}'");
            }
        }

        var outputs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var output in graph.Output)
        {
            if (!outputs.Add(output.Name) || !produced.Contains(output.Name))
            {
                throw Broken($"the output '{output.Name}' is declared twice or never produced");
            }
        }
    }

    private static void Produce(HashSet<string> produced, string name, string by)
    {
        if (name.Length == 0 || !produced.Add(name))
        {
            throw Broken($"{by} produces '{name}', a value that is empty or already produced");
        }
    }

    private static InvalidOperationException Broken(string what) =>
        new($"The ONNX exporter built an invalid graph ({what}); nothing was written. This is a bug in Microsoft.ML.CamLoss: please report it.");
}
