using System.Text;
using Microsoft.ML.CamLoss.Onnx.Protobuf;

namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>One node of an ONNX graph as the weights reader sees it: operator, name, inputs, outputs and attributes.</summary>
internal sealed class OnnxNode
{
    private readonly Dictionary<string, AttributeProto> _attributes;

    public OnnxNode(NodeProto node, int index)
    {
        OpType = node.OpType;
        Name = node.HasName && node.Name.Length > 0 ? node.Name : $"#{index}";
        Domain = node.HasDomain ? node.Domain : string.Empty;
        Inputs = [.. node.Input];
        Outputs = [.. node.Output];
        _attributes = node.Attribute.GroupBy(a => a.Name).ToDictionary(g => g.Key, g => g.Last());
    }

    /// <summary>The operator, e.g. <c>Conv</c>.</summary>
    public string OpType { get; }

    /// <summary>The node's name, or <c>#index</c> when it has none.</summary>
    public string Name { get; }

    /// <summary>The operator set's domain (empty: the default ONNX domain).</summary>
    public string Domain { get; }

    /// <summary>Input tensor names (empty strings are omitted optional inputs).</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>Output tensor names.</summary>
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>The attribute names the node sets.</summary>
    public IEnumerable<string> AttributeNames => _attributes.Keys;

    /// <summary>The node for messages: <c>Conv node 'Convolution249'</c>.</summary>
    public override string ToString() => $"{OpType} node '{Name}'";

    /// <summary>An INTS attribute, or <paramref name="fallback"/> when absent.</summary>
    public long[]? Ints(string name, long[]? fallback = null) => _attributes.TryGetValue(name, out var a) ? [.. a.Ints] : fallback;

    /// <summary>An INT attribute, or <paramref name="fallback"/> when absent.</summary>
    public long Int(string name, long fallback) => _attributes.TryGetValue(name, out var a) ? a.I : fallback;

    /// <summary>A FLOAT attribute, or <paramref name="fallback"/> when absent.</summary>
    public float Float(string name, float fallback) => _attributes.TryGetValue(name, out var a) ? a.F : fallback;

    /// <summary>A STRING attribute (UTF-8), or <paramref name="fallback"/> when absent.</summary>
    public string String(string name, string fallback) => _attributes.TryGetValue(name, out var a) ? Encoding.UTF8.GetString(a.S.Span) : fallback;
}
