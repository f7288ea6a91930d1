using Microsoft.ML.CamLoss.Models.Cntk;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Onnx.Protobuf;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Models.ImageNet;

/// <summary>
/// The ONNX weights reader and the CNTK graph mappers on small graphs built like the package's (see
/// <see cref="CntkGraphBuilder"/>): every layer lands under torchvision's name whatever the node order, and
/// every deviation that cannot be mapped is an error naming the node and the layer.
/// </summary>
[TestClass]
public sealed class CntkMappingTests
{
    private static readonly int[] Channels = [4, 8, 16, 32];

    [TestMethod]
    public void Map_CntkStyleGraph_PutsEveryInitializerUnderItsTorchvisionName()
    {
        var (model, builder) = CntkGraphBuilder.ResNet([2, 2, 2, 3], Channels);
        var graph = OnnxWeightsReader.FromModel(model, "tiny.onnx");

        var mapped = CntkResNetGraph.Map(graph);

        CollectionAssert.AreEqual(new[] { 2, 2, 2, 3 }, mapped.BlocksPerStage.ToArray());
        CollectionAssert.AreEquivalent(builder.Sources.Keys.ToArray(), mapped.State.Select(s => s.Name).ToArray());
        foreach (var value in mapped.State)
        {
            CollectionAssert.AreEqual(graph.Initializers[builder.Sources[value.Name]].Values, value.Values, value.Name);
        }

        Assert.AreEqual(4 + 1 + (9 * 2 * 5) + (3 * 5), mapped.State.Count, "conv1, bn1 (4), 18 block convolutions with their BatchNorms, 3 downsamples");
        StringAssert.Contains(mapped.Conventions[1], "conv1, layer2.0.conv1, layer3.0.conv1, layer4.0.conv1, maxpool pad CNTK-style");
    }

    [TestMethod]
    public void Map_NodesShuffled_GivesTheSameMapping()
    {
        var (model, _) = CntkGraphBuilder.ResNet([2, 2, 2, 2], Channels);
        var expected = CntkResNetGraph.Map(OnnxWeightsReader.FromModel(model, "tiny.onnx"));
        var nodes = model.Graph.Node.ToList();
        var shuffled = nodes.OrderBy(_ => Random.Shared.Next()).ToList();
        model.Graph.Node.Clear();
        model.Graph.Node.Add(shuffled);

        var actual = CntkResNetGraph.Map(OnnxWeightsReader.FromModel(model, "tiny.onnx"));

        CollectionAssert.AreEqual(expected.State.Select(s => s.Name).ToArray(), actual.State.Select(s => s.Name).ToArray());
        for (var i = 0; i < expected.State.Count; i++)
        {
            CollectionAssert.AreEqual(expected.State[i].Values, actual.State[i].Values, expected.State[i].Name);
        }
    }

    [TestMethod]
    public void Map_TorchvisionPadding_AcceptedWithoutAPaddingNote()
    {
        var (model, _) = CntkGraphBuilder.ResNet([2, 2, 2, 2], Channels, cntkPads: false);

        var mapped = CntkResNetGraph.Map(OnnxWeightsReader.FromModel(model, "tiny.onnx"));

        Assert.IsFalse(mapped.Conventions.Any(c => c.StartsWith("Padding", StringComparison.Ordinal)), string.Join("\n", mapped.Conventions));
    }

    [TestMethod]
    public void Map_PaddingTorchvisionDoesNotHave_ThrowsNamingNodeAndLayer()
    {
        var (model, builder) = CntkGraphBuilder.ResNet([2, 2, 2, 2], Channels);
        var node = builder.Layers["layer3.0.conv1"];
        Replace(node, CntkGraphBuilder.Ints("pads", 2, 2, 2, 2));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => CntkResNetGraph.Map(OnnxWeightsReader.FromModel(model, "tiny.onnx")));

        StringAssert.Contains(error.Message, "tiny.onnx");
        StringAssert.Contains(error.Message, $"Conv node '{node.Name}' (layer3.0.conv1) has pads [2, 2, 2, 2]");
        StringAssert.Contains(error.Message, "pads 1 on every side");
    }

    [TestMethod]
    public void Map_StrideTorchvisionDoesNotHave_ThrowsNamingNodeAndLayer()
    {
        var (model, builder) = CntkGraphBuilder.ResNet([2, 2, 2, 2], Channels);
        Replace(builder.Layers["layer1.1.conv2"], CntkGraphBuilder.Ints("strides", 2, 2));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => CntkResNetGraph.Map(OnnxWeightsReader.FromModel(model, "tiny.onnx")));

        StringAssert.Contains(error.Message, "(layer1.1.conv2) has kernel [3, 3], strides [2, 2]");
    }

    [TestMethod]
    public void Map_ConvolutionWithBias_Throws()
    {
        var (model, builder) = CntkGraphBuilder.ResNet([2, 2, 2, 2], Channels);
        model.Graph.Initializer.Add(CntkGraphBuilder.Tensor("Bias", [8], new float[8]));
        builder.Layers["layer2.1.conv1"].Input.Add("Bias");

        var error = Assert.ThrowsExactly<InvalidDataException>(() => CntkResNetGraph.Map(OnnxWeightsReader.FromModel(model, "tiny.onnx")));

        StringAssert.Contains(error.Message, "(layer2.1.conv1) has a bias");
    }

    [TestMethod]
    public void Map_BatchNormEpsilonOtherThanTorchvisions_Throws()
    {
        var (model, builder) = CntkGraphBuilder.ResNet([2, 2, 2, 2], Channels);
        Replace(builder.Layers["layer4.1.bn2"], CntkGraphBuilder.Float("epsilon", 1e-3f));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => CntkResNetGraph.Map(OnnxWeightsReader.FromModel(model, "tiny.onnx")));

        StringAssert.Contains(error.Message, "(layer4.1.bn2) has epsilon 0.001");
    }

    [TestMethod]
    public void Map_NodeOffThePath_ThrowsNamingIt()
    {
        var (model, _) = CntkGraphBuilder.ResNet([2, 2, 2, 2], Channels);
        model.Graph.Node.Add(new NodeProto { OpType = "Sigmoid", Name = "Stray", Input = { "Unknown" }, Output = { "StrayOut" } });

        var error = Assert.ThrowsExactly<InvalidDataException>(() => CntkResNetGraph.Map(OnnxWeightsReader.FromModel(model, "tiny.onnx")));

        StringAssert.Contains(error.Message, "Sigmoid node 'Stray' cannot be mapped onto torchvision's ResNet");
    }

    [TestMethod]
    public void Map_SecondReaderOfABlockOutput_ThrowsNamingIt()
    {
        var (model, builder) = CntkGraphBuilder.ResNet([2, 2, 2, 2], Channels);
        var tapped = builder.Layers["layer2.0.bn1"].Output[0];
        model.Graph.Node.Add(new NodeProto { OpType = "Sigmoid", Name = "Tap", Input = { tapped }, Output = { "TapOut" } });

        var error = Assert.ThrowsExactly<InvalidDataException>(() => CntkResNetGraph.Map(OnnxWeightsReader.FromModel(model, "tiny.onnx")));

        StringAssert.Contains(error.Message, "Sigmoid node 'Tap'");
    }

    [TestMethod]
    public void Map_UnusedInitializer_ThrowsNamingIt()
    {
        var (model, _) = CntkGraphBuilder.ResNet([2, 2, 2, 2], Channels);
        model.Graph.Initializer.Add(CntkGraphBuilder.Tensor("Orphan", [3], [1, 2, 3]));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => CntkResNetGraph.Map(OnnxWeightsReader.FromModel(model, "tiny.onnx")));

        StringAssert.Contains(error.Message, "'Orphan' are not used");
    }

    [TestMethod]
    public void Map_BottleneckLikeThreeConvolutionBlock_Throws()
    {
        var (model, builder) = CntkGraphBuilder.ResNet([2, 2, 2, 2], Channels);
        var conv2 = builder.Layers["layer1.0.conv2"];
        Replace(conv2, CntkGraphBuilder.Ints("kernel_shape", 1, 1));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => CntkResNetGraph.Map(OnnxWeightsReader.FromModel(model, "tiny.onnx")));

        StringAssert.Contains(error.Message, "(layer1.0.conv2)");
    }

    [TestMethod]
    public void MapPreprocessing_SplitConcatSub_ReadsBgrOrderAndTheMeanImage()
    {
        var mean = Enumerable.Range(0, 3 * 4 * 4).Select(i => 100f + i).ToArray();

        var mapped = CntkPreprocessingGraph.Map(OnnxWeightsReader.FromModel(CntkGraphBuilder.Preprocessing(4, mean), "prep.onnx"));

        CollectionAssert.AreEqual(new[] { 2, 1, 0 }, mapped.ChannelSource);
        CollectionAssert.AreEqual(mean, mapped.MeanImage);
        var rgb = mapped.MeanImageInImageOrder();
        CollectionAssert.AreEqual(mean[32..48], rgb[..16], "the image's R channel gets the network's third (R) mean");
        StringAssert.Contains(mapped.Conventions[0], "BGR");
    }

    [TestMethod]
    public void MapPreprocessing_PerChannelMean_BroadcastsOverTheImage()
    {
        var mapped = CntkPreprocessingGraph.Map(OnnxWeightsReader.FromModel(CntkGraphBuilder.Preprocessing(2, [104, 117, 123], perChannel: true), "prep.onnx"));

        CollectionAssert.AreEqual(new float[] { 104, 104, 104, 104, 117, 117, 117, 117, 123, 123, 123, 123 }, mapped.MeanImage);
    }

    [TestMethod]
    public void MapPreprocessing_ScalingNode_ThrowsNamingIt()
    {
        var model = CntkGraphBuilder.Preprocessing(2, [104, 117, 123], perChannel: true);
        model.Graph.Node.Add(new NodeProto { OpType = "Mul", Name = "Scale", Input = { "PreprocessedInput", "MeanImage" }, Output = { "Scaled" } });

        var error = Assert.ThrowsExactly<InvalidDataException>(() => CntkPreprocessingGraph.Map(OnnxWeightsReader.FromModel(model, "prep.onnx")));

        StringAssert.Contains(error.Message, "Mul node 'Scale'");
    }

    [TestMethod]
    public void MapPreprocessing_MeanOnTheZeroToOneScale_Throws()
    {
        var model = CntkGraphBuilder.Preprocessing(2, [0.406f, 0.456f, 0.485f], perChannel: true);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => CntkPreprocessingGraph.Map(OnnxWeightsReader.FromModel(model, "prep.onnx")));

        StringAssert.Contains(error.Message, "pixel values in [0, 1]");
    }

    [TestMethod]
    public void Read_FileThatIsNotOnnx_ThrowsNamingTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"camloss-not-onnx-{Guid.NewGuid():N}.onnx");
        File.WriteAllText(path, "this is not a protobuf message \u0001\u0002\u0003");
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => OnnxWeightsReader.Read(path));
            StringAssert.Contains(error.Message, path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void Read_InitializerOfAnotherType_ThrowsNamingIt()
    {
        var (model, _) = CntkGraphBuilder.ResNet([2, 2, 2, 2], Channels);
        model.Graph.Initializer.Add(new TensorProto { Name = "Int64Weight", DataType = (int)TensorProto.Types.DataType.Int64, Dims = { 1 }, Int64Data = { 1 } });

        var error = Assert.ThrowsExactly<InvalidDataException>(() => OnnxWeightsReader.FromModel(model, "tiny.onnx"));

        StringAssert.Contains(error.Message, "'Int64Weight' has ONNX element type 7");
    }

    private static void Replace(NodeProto node, AttributeProto attribute)
    {
        var old = node.Attribute.First(a => a.Name == attribute.Name);
        node.Attribute[node.Attribute.IndexOf(old)] = attribute;
    }
}
