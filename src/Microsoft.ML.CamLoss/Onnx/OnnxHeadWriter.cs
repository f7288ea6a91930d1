using Microsoft.ML.CamLoss.Scoring;
using TorchSharp.Modules;
using static Microsoft.ML.CamLoss.Onnx.OnnxGraphBuilder;
using static Microsoft.ML.CamLoss.Onnx.Protobuf.TensorProto.Types;

namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>
/// Writes the graph's outputs from the <c>last</c> features <c>F [N, K, h, w]</c> and the classifier
/// <c>W [C, K]</c>, <c>b</c> (see <see cref="OnnxNames"/> for names and shapes):
/// <c>Logits = W · GAP(F) + b</c> (<c>GlobalAveragePool</c>, <c>Flatten</c>, <c>Gemm</c>) — for a cosine head
/// (Baseline++) <c>Logits = s · Ŵ · f / max(‖f‖, ε)</c> with <c>f = GAP(F)</c> and the rows of <c>Ŵ</c> of unit length —,
/// <c>Score = softmax(Logits)</c>,
/// and on request <c>Cam</c> (the predicted class's row of <c>W</c>, gathered, times <c>F</c>, summed over <c>K</c>),
/// <c>Caam</c> (<c>F</c> summed over <c>K</c>) and <c>Cams</c> (a 1×1 convolution of <c>F</c> with <c>W</c>), optionally
/// resized to the input's size. Class names become ML.NET slot names as ML.NET's own ONNX converter writes
/// them: a <c>LabelEncoder</c> node <c>mlnet.X.SlotNames</c> whose <c>keys_strings</c> are the names.
/// </summary>
internal sealed class OnnxHeadWriter(OnnxGraphBuilder graph, OnnxExportOptions options)
{
    /// <summary>Opset of the <c>ai.onnx.ml</c> domain the slot-name nodes need (LabelEncoder with <c>keys_strings</c> since version 2).</summary>
    public const int MLOpset = 2;

    /// <summary>The <c>ai.onnx.ml</c> domain.</summary>
    public const string MLDomain = "ai.onnx.ml";

    /// <summary>The node and initializer names of the classifier (the network's head).</summary>
    private const string ClassifierPath = "classifier";

    /// <summary>Writes every output and declares it a graph output; <paramref name="cosineScale"/> is the cosine head's scale <c>s</c>, null for a linear head.</summary>
    public void Write(Linear classifier, double? cosineScale, FeatureMap features, FeatureMap input, IReadOnlyList<string> classNames)
    {
        long classes = classifier.out_features;
        var weight = graph.Initializer($"{ClassifierPath}.weight", OnnxLayerWriter.Floats(classifier.weight), classes, classifier.in_features);
        var pooled = graph.Node("GlobalAveragePool", "pool", [features.Name]);
        var flat = graph.Node("Flatten", "flatten", [pooled], null, Attribute("axis", 1L));
        var logits = cosineScale is { } scale
            ? CosineLogits(classifier, scale, flat)
            : graph.Node("Gemm", ClassifierPath, [flat, weight, Bias(classifier)], options.LogitsName, Attribute("transB", 1L));
        graph.Node("Softmax", "softmax", [logits], options.ScoreName, Attribute("axis", 1L));
        graph.Output(options.ScoreName, DataType.Float, "N", classes);
        graph.Output(options.LogitsName, DataType.Float, "N", classes);
        SlotNames(options.ScoreName, classNames);
        SlotNames(options.LogitsName, classNames);

        var (height, width) = options.MapResolution == MapResolution.Input ? (input.Height, input.Width) : (features.Height, features.Width);
        var (h, w) = options.MapResolution == MapResolution.Input ? ("H", "W") : ("h", "w");
        var mapShape = new[] { (OnnxDimension)"N", OnnxDimension.Known(height, h), OnnxDimension.Known(width, w) };
        if (options.Maps.HasFlag(OnnxMaps.Cam))
        {
            var predicted = graph.Node("ArgMax", "cam.predicted", [logits], null, Attribute("axis", 1L), Attribute("keepdims", 0L));
            var rows = graph.Node("Gather", "cam.rows", [weight, predicted], null, Attribute("axis", 0L));
            var columns = graph.Node("Unsqueeze", "cam.rows.unsqueeze", [rows, graph.Initializer("cam.rows.axes", [2L, 3L], 2)]);
            var weighted = graph.Node("Mul", "cam.weighted", [features.Name, columns]);
            MapOutput(weighted, options.CamName, "cam", input, mapShape);
        }

        if (options.Maps.HasFlag(OnnxMaps.Caam))
        {
            MapOutput(features.Name, options.CaamName, "caam", input, mapShape);
        }

        if (options.Maps.HasFlag(OnnxMaps.Cams))
        {
            var kernel = graph.Node("Reshape", "cams.kernel", [weight, graph.Initializer("cams.kernel.shape", [classes, classifier.in_features, 1L, 1L], 4)]);
            var cams = graph.Node("Conv", "cams", [features.Name, kernel], options.MapResolution == MapResolution.Input ? null : options.CamsName, Attribute("kernel_shape", [1L, 1L]));
            if (options.MapResolution == MapResolution.Input)
            {
                Resize(cams, options.CamsName, "cams", input);
            }

            graph.Output(options.CamsName, DataType.Float, [mapShape[0], classes, mapShape[1], mapShape[2]]);
        }

        if (options.PredictedLabelName is { } labelName)
        {
            var index = graph.Node("ArgMax", "predicted_label.index", [logits], null, Attribute("axis", 1L), Attribute("keepdims", 1L));
            graph.AddNode(
                "LabelEncoder", "predicted_label", [index], [graph.Define(labelName)], MLDomain,
                Attribute("keys_int64s", Enumerable.Range(0, classNames.Count).Select(i => (long)i)), Attribute("values_strings", classNames), Attribute("default_string", string.Empty));
            graph.Output(labelName, DataType.String, "N", 1);
        }
    }

    private string Bias(Linear classifier) => graph.Initializer(
        $"{ClassifierPath}.bias", classifier.bias is null ? new float[classifier.out_features] : OnnxLayerWriter.Floats(classifier.bias), classifier.out_features);

    /// <summary>The cosine head's logits (<see cref="Models.CosineClassifier.Logits"/>): the features divided by their l2 norm (at least ε), times <c>s·Ŵ</c>.</summary>
    private string CosineLogits(Linear classifier, double scale, string flat)
    {
        float[] scaledUnitWeight;
        using (var scope = TorchSharp.torch.NewDisposeScope())
        {
            using var noGrad = TorchSharp.torch.no_grad();
            scaledUnitWeight = OnnxLayerWriter.Floats(Models.CosineClassifier.Normalize(classifier.weight!).mul(scale));
        }

        var norm = graph.Node("ReduceL2", $"{ClassifierPath}.norm", [flat], null, Attribute("axes", [1L]), Attribute("keepdims", 1L));
        var clamped = graph.Node("Max", $"{ClassifierPath}.norm.clamp", [norm, graph.Initializer($"{ClassifierPath}.epsilon", [(float)Models.CosineClassifier.NormEpsilon], 1)]);
        var unit = graph.Node("Div", $"{ClassifierPath}.unit", [flat, clamped]);
        var weight = graph.Initializer($"{ClassifierPath}.scaled_unit_weight", scaledUnitWeight, classifier.out_features, classifier.in_features);
        return graph.Node("Gemm", ClassifierPath, [unit, weight], options.LogitsName, Attribute("transB", 1L));
    }

    /// <summary>
    /// Sums a <c>[N, K, h, w]</c> value over its channels (<c>ReduceSum</c>) into the map output <paramref name="output"/>
    /// <c>[N, h, w]</c>, resized to the input's <c>H × W</c> on the way when asked.
    /// </summary>
    private void MapOutput(string value, string output, string name, FeatureMap input, OnnxDimension[] shape)
    {
        var axis = graph.Initializer($"{name}.axis", [1L], 1);
        if (options.MapResolution == MapResolution.Input)
        {
            var map = graph.Node("ReduceSum", $"{name}.sum", [value, axis], null, Attribute("keepdims", 1L));
            graph.Node("Squeeze", $"{name}.squeeze", [Resize(map, null, name, input), axis], output);
        }
        else
        {
            graph.Node("ReduceSum", $"{name}.sum", [value, axis], output, Attribute("keepdims", 0L));
        }

        graph.Output(output, DataType.Float, shape);
    }

    /// <summary>
    /// Bilinear resize of a <c>[N, M, h, w]</c> value to the input's <c>H × W</c> (read from the input's
    /// shape at run time, so dynamic inputs work): half-pixel centres, edges clamped, no antialiasing,
    /// as PyTorch's <c>interpolate(mode="bilinear", align_corners=False)</c>.
    /// </summary>
    private string Resize(string value, string? output, string name, FeatureMap input)
    {
        var (zero, two, four) = (Int64(name, "zero", 0), Int64(name, "two", 2), Int64(name, "four", 4));
        var leading = graph.Node("Slice", $"{name}.resize.leading", [graph.Node("Shape", $"{name}.resize.shape", [value]), zero, two]);
        var spatial = graph.Node("Slice", $"{name}.resize.spatial", [graph.Node("Shape", $"{name}.resize.input_shape", [input.Name]), two, four]);
        var sizes = graph.Node("Concat", $"{name}.resize.sizes", [leading, spatial], null, Attribute("axis", 0L));
        return graph.Node(
            "Resize", $"{name}.resize", [value, string.Empty, string.Empty, sizes], output,
            Attribute("mode", "linear"), Attribute("coordinate_transformation_mode", "half_pixel"));
    }

    private string Int64(string name, string what, long value) => graph.Initializer($"{name}.resize.{what}", [value], 1);

    /// <summary>ML.NET's slot names of output <paramref name="column"/>: <c>LabelEncoder(["one"]) → mlnet.column.unusedOutput</c> with <c>keys_strings</c> = the names.</summary>
    private void SlotNames(string column, IReadOnlyList<string> classNames)
    {
        var node = $"{OnnxNames.MLNetPrefix}{column}.SlotNames";
        var unused = graph.Define($"{OnnxNames.MLNetPrefix}{column}.unusedOutput");
        var one = graph.StringInitializer(node, ["one"], 1, 1);
        graph.AddNode(
            "LabelEncoder", node, [one], [unused], MLDomain,
            Attribute("keys_strings", classNames), Attribute("values_int64s", Enumerable.Range(0, classNames.Count).Select(i => (long)i)));
        graph.Output(unused, DataType.Int64, 1, 1);
    }
}
