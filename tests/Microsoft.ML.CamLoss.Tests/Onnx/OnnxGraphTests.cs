using System.Text;
using System.Text.Json;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Onnx.Protobuf;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Onnx;

/// <summary>
/// The exported graph as ML.NET reads it (ML.NET 5.0.1's ONNX transformer: slot names from a node named
/// <c>mlnet.Score.SlotNames</c> with <c>keys_strings</c>, outputs of rank ≥ 2 with a fixed class dimension)
/// and as clients read it (the normalisation inside, the metadata).
/// </summary>
[TestClass]
public sealed class OnnxGraphTests
{
    [TestMethod]
    public void ToBytes_ClassNames_AreMLNetSlotNamesAndMetadata()
    {
        string[] classes = ["airplane", "Ünïcode ✓", "truck"];
        using var network = new CifarResNet(8, 3);
        var model = ModelProto.Parser.ParseFrom(OnnxExport.ToBytes(network, classes, OnnxTesting.ImageNetScoring, new OnnxExportOptions { Maps = OnnxMaps.CamAndCaam | OnnxMaps.Cams }));

        foreach (var column in new[] { OnnxNames.Score, OnnxNames.Logits })
        {
            var node = model.Graph.Node.Single(n => n.Name == $"mlnet.{column}.SlotNames");
            Assert.AreEqual(("LabelEncoder", "ai.onnx.ml"), (node.OpType, node.Domain));
            var keys = node.Attribute.Single(a => a.Name == "keys_strings").Strings.Select(s => s.ToString(Encoding.UTF8)).ToArray();
            CollectionAssert.AreEqual(classes, keys, $"{column}'s slot names");
            Assert.IsTrue(model.Graph.Output.Any(o => o.Name == $"mlnet.{column}.unusedOutput"), "the node's output is a graph output, as ML.NET's converter writes it (ML.NET hides it)");
        }

        CollectionAssert.AreEqual(classes, JsonSerializer.Deserialize<string[]>(model.MetadataProps.Single(p => p.Key == OnnxNames.ClassesKey).Value));
        foreach (var output in model.Graph.Output)
        {
            Assert.IsGreaterThanOrEqualTo(2, output.Type.TensorType.Shape.Dim.Count, $"{output.Name}: rank ≥ 2 (rank-0 outputs break ML.NET's ONNX transformer)");
        }

        var score = model.Graph.Output.Single(o => o.Name == OnnxNames.Score).Type.TensorType.Shape.Dim;
        Assert.AreEqual(("N", 3L), (score[0].DimParam, score[1].DimValue), "dynamic batch, fixed class dimension");
    }

    [TestMethod]
    public void ToBytes_ImageNetNormalisation_InsideTheGraphBeforeTheFirstConvolution()
    {
        using var network = new CifarResNet(8, 3);
        var graph = ModelProto.Parser.ParseFrom(OnnxExport.ToBytes(network, ["a", "b", "c"], OnnxTesting.ImageNetScoring)).Graph;

        var sub = graph.Node.First();
        var div = graph.Node[1];
        Assert.AreEqual(("Sub", OnnxNames.Pixels), (sub.OpType, sub.Input[0]));
        Assert.AreEqual(("Div", sub.Output[0]), (div.OpType, div.Input[0]));
        CollectionAssert.AreEqual(new[] { 0.485f, 0.456f, 0.406f }, Floats(graph, sub.Input[1]));
        CollectionAssert.AreEqual(new[] { 0.229f, 0.224f, 0.225f }, Floats(graph, div.Input[1]));
        Assert.AreEqual(0, graph.Node.Count(n => n.OpType == "BatchNormalization"), "every BatchNorm of a CIFAR ResNet follows a convolution and is folded");
    }

    private static float[] Floats(GraphProto graph, string initializer) =>
        [.. System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(graph.Initializer.Single(i => i.Name == initializer).RawData.Span)];
}
