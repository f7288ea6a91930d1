using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Onnx.Protobuf;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.ML.CamLoss.Training;
using static Microsoft.ML.CamLoss.Onnx.Protobuf.TensorProto.Types;
using Data = Microsoft.ML.CamLoss.Data;

namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>
/// Writes a trained classifier as an ONNX graph that ONNX Runtime (C#, Python, C++, the browser,
/// mobile, GPUs) and ML.NET's <c>ApplyOnnxModel</c> score without this library: the network in
/// evaluation mode with BatchNorm folded into the convolutions, the input normalisation inside the
/// graph (clients feed RGB pixels in [0, 1]), a dynamic batch, softmax probabilities with the class
/// names as ML.NET slot names, and on request the CAM, the CAAM and every class's CAM. Inputs,
/// outputs and metadata are listed in <see cref="OnnxNames"/>. ONNX IR version
/// <see cref="IrVersion"/>, opset <see cref="Opset"/> (plus <c>ai.onnx.ml</c> 2 for the slot names).
/// </summary>
/// <remarks>
/// <para>The graph is written from the network's modules and weights (no tracing, no Python): each
/// architecture family has a writer that reproduces its forward pass (<see cref="BackboneGraph"/>) and
/// refuses a module tree it does not recognise. Every export is checked for the structural rules ONNX
/// Runtime enforces before anything is written, and files are written atomically (a temporary file,
/// then a rename), so a failed export leaves no file behind.</para>
/// <para>The protobuf is written with classes generated from ONNX's own <c>onnx.proto</c> (Debian's
/// protoc; <c>build/generate-onnx-protobuf.sh</c>, committed, internal) rather than with hand-written
/// <c>CodedOutputStream</c> calls: the same classes read foreign models (the ImageNet ResNet-18 on NuGet),
/// and generated code cannot get a field number or wire type wrong.</para>
/// </remarks>
/// <example>
/// <code>
/// OnnxExport.Save(model, "flowers.onnx", new OnnxExportOptions { Maps = OnnxMaps.CamAndCaam });
/// using var classifier = new OnnxImageClassifier("flowers.onnx");
/// var prediction = classifier.Predict("rose.jpg", new ScoringOptions { IncludeCam = true });
/// </code>
/// </example>
public static partial class OnnxExport
{
    /// <summary>The ONNX IR version written: 8 (ONNX 1.10–1.12).</summary>
    public const int IrVersion = 8;

    /// <summary>The default-domain opset written: 17 (ONNX 1.12; ONNX Runtime 1.13 and later).</summary>
    public const int Opset = 17;

    /// <summary>The producer name written into every model.</summary>
    public const string ProducerName = "Microsoft.ML.CamLoss";

    /// <summary>Writes <paramref name="model"/> (its network, classes and preprocessing) to <paramref name="path"/>, atomically.</summary>
    /// <exception cref="ArgumentException">The options are invalid: an output name is empty, reserved (<c>mlnet.</c>) or used twice.</exception>
    /// <exception cref="NotSupportedException">The network or its preprocessing has no ONNX form here (the message names the module or step).</exception>
    public static void Save(ImageClassificationModel model, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        WriteAtomically(ToModel(model, options ?? new OnnxExportOptions()), path);
    }

    /// <summary>The ONNX bytes of <paramref name="model"/> (e.g. for ML.NET's <c>ApplyOnnxModel</c> from a stream).</summary>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="Save(ImageClassificationModel, string, OnnxExportOptions?)"/>).</exception>
    /// <exception cref="NotSupportedException">The network or its preprocessing has no ONNX form here.</exception>
    public static byte[] ToBytes(ImageClassificationModel model, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ToModel(model, options ?? new OnnxExportOptions()).ToByteArray();
    }

    /// <summary>Writes <paramref name="network"/> with <paramref name="classNames"/> and the scoring <paramref name="preprocessing"/> to <paramref name="path"/>, atomically.</summary>
    /// <param name="network">The network (any device or floating dtype: the graph computes in float32).</param>
    /// <param name="classNames">The classes in output order (distinct; as many as the network predicts).</param>
    /// <param name="preprocessing">What images go through before the network; its normalisations move into the graph, the rest is recorded for clients.</param>
    /// <param name="path">The file to write.</param>
    /// <param name="options">Outputs and names; default: scores and logits only, BatchNorm folded.</param>
    /// <exception cref="ArgumentException">The class names or options are invalid.</exception>
    /// <exception cref="NotSupportedException">The network or its preprocessing has no ONNX form here.</exception>
    public static void Save(Backbone network, IReadOnlyList<string> classNames, Data.ImagePipeline preprocessing, string path, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        WriteAtomically(Build(network, classNames, preprocessing, null, null, options ?? new OnnxExportOptions()), path);
    }

    /// <summary>The ONNX bytes of <paramref name="network"/> (see <see cref="Save(Backbone, IReadOnlyList{string}, Data.ImagePipeline, string, OnnxExportOptions?)"/>).</summary>
    /// <exception cref="ArgumentException">The class names or options are invalid.</exception>
    /// <exception cref="NotSupportedException">The network or its preprocessing has no ONNX form here.</exception>
    public static byte[] ToBytes(Backbone network, IReadOnlyList<string> classNames, Data.ImagePipeline preprocessing, OnnxExportOptions? options = null) =>
        Build(network, classNames, preprocessing, null, null, options ?? new OnnxExportOptions()).ToByteArray();

    private static ModelProto ToModel(ImageClassificationModel model, OnnxExportOptions options)
    {
        var shape = model.InputShape;
        (int, int)? recorded = shape.Count == 3 && shape[1] > 0 && shape[2] > 0 ? ((int)shape[1], (int)shape[2]) : null;
        return Build(model.Network, model.ClassNames, model.Preprocessing, recorded, model.Architecture.ToString(), options);
    }

    private static ModelProto Build(
        Backbone network, IReadOnlyList<string> classNames, Data.ImagePipeline preprocessing, (int Height, int Width)? recordedSize, string? architecture, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(preprocessing);
        ArgumentNullException.ThrowIfNull(options);
        CheckClassNames(classNames, network.NumClasses);
        CheckOptions(options);
        var (client, normalizations) = OnnxPreprocessing.Split(preprocessing);
        var size = options.InputSize ?? recordedSize ?? OnnxPreprocessing.OutputSize(client);
        architecture ??= BackboneGraph.Describe(network);

        var graph = new OnnxGraphBuilder(architecture);
        foreach (var name in OutputNames(options).Select(o => o.Name))
        {
            graph.Reserve(name);
        }

        var channels = network.InputChannels;
        var (height, width) = size is { } s ? ((long)s.Height, (long)s.Width) : (-1L, -1L);
        graph.Input(options.InputName, DataType.Float, "N", channels, OnnxDimension.Known(height, "H"), OnnxDimension.Known(width, "W"));
        var input = new FeatureMap(options.InputName, channels, height, width);
        if (options.Resize is { } resize)
        {
            input = Resize(graph, input, resize);
        }

        if (options.CenterCrop is { } crop)
        {
            input = CenterCrop(graph, input, crop);
        }

        var normalized = Normalize(graph, input, normalizations);
        var features = BackboneGraph.WriteFeatures(network, new OnnxLayerWriter(graph, options.FoldBatchNorm), normalized);
        new OnnxHeadWriter(graph, options).Write(network.Classifier, network.CosineScale, features, input, classNames);
        OnnxGraphCheck.Validate(graph.Graph);

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = ModelArchiveLayout.LibraryVersion,
            Graph = graph.Graph,
            DocString = Describe(architecture, classNames.Count, channels, size, normalizations, options),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = OnnxHeadWriter.MLDomain, Version = OnnxHeadWriter.MLOpset });
        Metadata(model, OnnxNames.ArchitectureKey, architecture);
        Metadata(model, OnnxNames.ClassesKey, JsonSerializer.Serialize(classNames));
        Metadata(model, OnnxNames.PreprocessingKey, PreprocessingJson.Write(InGraph(options) && size is { } fed ? new Data.ImagePipeline().ForScoring().Append(new Data.ResizeTransform(fed.Height, fed.Width)) : client).ToJsonString());
        Metadata(model, OnnxNames.OutputsKey, new JsonObject(OutputNames(options).Skip(1).Select(o => KeyValuePair.Create(o.Role, (JsonNode?)o.Name))).ToJsonString());
        if (options.Maps != OnnxMaps.None)
        {
            Metadata(model, OnnxNames.MapResolutionKey, options.MapResolution == MapResolution.Input ? "input" : "feature");
        }

        return model;
    }

    /// <summary>
    /// Each normalisation as graph nodes, with the operations (and so the rounding) of the library's own
    /// transforms: <c>(x − mean) / std</c> per channel as <c>Sub</c> and <c>Div</c> (<see cref="Data.ImageFunctional.Normalize"/>);
    /// a mean image as <c>(255·x − M) / std</c> with <c>M</c> resized to the input's fixed size as
    /// <see cref="Data.MeanImageNormalizeTransform"/> does.
    /// </summary>
    private static FeatureMap Normalize(OnnxGraphBuilder graph, FeatureMap x, IReadOnlyList<Data.IImageTransform> normalizations)
    {
        for (var i = 0; i < normalizations.Count; i++)
        {
            var name = i == 0 ? "normalize" : $"normalize{i + 1}";
            x = normalizations[i] switch
            {
                Data.NormalizeTransform normalize => PerChannel(graph, x, name, normalize.Mean.ToArray(), normalize.Std.ToArray()),
                Data.MeanImageNormalizeTransform meanImage => MeanImage(graph, x, name, meanImage),
                var other => throw new NotSupportedException($"Cannot export the normalisation {other.GetType().Name}."),
            };
        }

        return x;
    }

    /// <summary>Whether the graph resizes or crops its input itself (then clients only bring images to its input size).</summary>
    private static bool InGraph(OnnxExportOptions options) => options.Resize is not null || options.CenterCrop is not null;

    /// <summary>
    /// <paramref name="x"/> (values in [0, 1]) resized as <see cref="Data.ImageFunctional.Resize"/> resizes 0–255 images (see
    /// <see cref="OnnxExportOptions.Resize"/>): <c>round(Wh · round(255·x) · Wwᵀ)</c> clipped to 0–255, ÷ 255, with <c>Wh</c>,
    /// <c>Ww</c> the library's resize of the identity along each axis.
    /// </summary>
    private static FeatureMap Resize(OnnxGraphBuilder graph, FeatureMap x, (int Height, int Width, bool Antialias) size)
    {
        if (x.Height <= 0 || x.Width <= 0)
        {
            throw new NotSupportedException("Cannot resize inside the graph an input of any size; set OnnxExportOptions.InputSize.");
        }

        var full = graph.Initializer("resize.255", [255f], 1);
        // The input's 0–255 values exactly (ML.NET's ExtractPixels gives b · (1/255) in float32): the resize weights are binary
        // fractions, so the sums are then exact and the ties (x.5) round as the library's do.
        var scaled = graph.Node("Round", "resize.integers", [graph.Node("Mul", "resize.scale", [x.Name, full])]);
        var widthWeights = AxisWeights((int)x.Width, size.Width, size.Antialias);                           // [W, w]: x · Wwᵀ
        var rows = graph.Node("MatMul", "resize.width", [scaled, graph.Initializer("resize.width_weights", widthWeights, x.Width, size.Width)]);
        var heightWeights = AxisWeights((int)x.Height, size.Height, size.Antialias, transposed: true);        // [h, H]: Wh · x
        var resized = graph.Node("MatMul", "resize.height", [graph.Initializer("resize.height_weights", heightWeights, size.Height, x.Height), rows]);
        var rounded = graph.Node("Round", "resize.round", [resized]);
        var clipped = graph.Node("Clip", "resize.clip", [rounded, graph.Initializer("resize.min", [0f]), graph.Initializer("resize.max", [255f])]);
        var unit = graph.Node("Div", "resize.unit", [clipped, full]);
        return new FeatureMap(unit, x.Channels, size.Height, size.Width);
    }

    /// <summary>
    /// The weights of the library's resize along one axis from <paramref name="from"/> to <paramref name="to"/>, as a row-major
    /// <c>[from, to]</c> matrix (<c>[to, from]</c> when <paramref name="transposed"/>): row <c>k</c> is the resize of the
    /// <c>k</c>-th unit vector (the resize is linear and separable).
    /// </summary>
    private static float[] AxisWeights(int from, int to, bool antialias, bool transposed = false)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var identity = TorchSharp.torch.eye(from, dtype: TorchSharp.torch.ScalarType.Float32).reshape(from, 1, 1, from);
        var weights = Data.ImageFunctional.Resize(identity, 1, to, antialias).reshape(from, to);
        return (transposed ? weights.t() : weights).contiguous().data<float>().ToArray();
    }

    /// <summary>The centre <paramref name="crop"/> of <paramref name="x"/> (see <see cref="OnnxExportOptions.CenterCrop"/>).</summary>
    private static FeatureMap CenterCrop(OnnxGraphBuilder graph, FeatureMap x, (int Height, int Width) crop)
    {
        if (x.Height < crop.Height || x.Width < crop.Width)
        {
            throw new NotSupportedException($"Cannot crop the centre {crop.Height}×{crop.Width} of an input of {(x.Height > 0 ? $"{x.Height}×{x.Width}" : "any size")}; set OnnxExportOptions.InputSize to at least the crop.");
        }

        var top = (long)Math.Round((x.Height - crop.Height) / 2.0, MidpointRounding.ToEven);
        var left = (long)Math.Round((x.Width - crop.Width) / 2.0, MidpointRounding.ToEven);
        var cropped = graph.Node("Slice", "center_crop", [
            x.Name,
            graph.Initializer("center_crop.starts", new long[] { top, left }, 2),
            graph.Initializer("center_crop.ends", new long[] { top + crop.Height, left + crop.Width }, 2),
            graph.Initializer("center_crop.axes", new long[] { 2, 3 }, 2)]);
        return new FeatureMap(cropped, x.Channels, crop.Height, crop.Width);
    }

    private static FeatureMap PerChannel(OnnxGraphBuilder graph, FeatureMap x, string name, float[] mean, float[] std)
    {
        if (mean.Length != 1 && mean.Length != x.Channels)
        {
            throw new NotSupportedException($"Cannot export a normalisation with {mean.Length} channel means for a network that reads {x.Channels} channels.");
        }

        var centred = graph.Node("Sub", $"{name}.sub", [x.Name, graph.Initializer($"{name}.mean", mean, 1, mean.Length, 1, 1)]);
        return x.Renamed(graph.Node("Div", $"{name}.div", [centred, graph.Initializer($"{name}.std", std, 1, std.Length, 1, 1)]));
    }

    private static FeatureMap MeanImage(OnnxGraphBuilder graph, FeatureMap x, string name, Data.MeanImageNormalizeTransform meanImage)
    {
        if (x.Height <= 0 || x.Width <= 0)
        {
            throw new NotSupportedException(
                "Cannot export a mean-image normalisation (the ImageNet weights' preprocessing) for an input of any size: the mean image is resized to the input's size. " +
                "End the preprocessing with a fixed-size resize or centre crop, or set OnnxExportOptions.InputSize.");
        }

        if (meanImage.Channels != x.Channels)
        {
            throw new NotSupportedException($"Cannot export a {meanImage.Channels}-channel mean image for a network that reads {x.Channels} channels.");
        }

        var (height, width) = ((int)x.Height, (int)x.Width);
        var scaled = graph.Node("Mul", $"{name}.scale", [x.Name, graph.Initializer($"{name}.255", [255f], 1)]);
        var centred = graph.Node("Sub", $"{name}.sub", [scaled, graph.Initializer($"{name}.mean_image", meanImage.MeanFor(height, width), 1, x.Channels, height, width)]);
        var std = meanImage.Std.ToArray();
        return x.Renamed(graph.Node("Div", $"{name}.div", [centred, graph.Initializer($"{name}.std", std, 1, std.Length, 1, 1)]));
    }

    /// <summary>The input's and each requested output's role and name, input first.</summary>
    private static List<(string Role, string Name)> OutputNames(OnnxExportOptions options)
    {
        var names = new List<(string Role, string Name)> { ("Input", options.InputName), (OnnxNames.Score, options.ScoreName), (OnnxNames.Logits, options.LogitsName) };
        foreach (var (map, role, name) in new[] { (OnnxMaps.Cam, OnnxNames.Cam, options.CamName), (OnnxMaps.Caam, OnnxNames.Caam, options.CaamName), (OnnxMaps.Cams, OnnxNames.Cams, options.CamsName) })
        {
            if (options.Maps.HasFlag(map))
            {
                names.Add((role, name));
            }
        }

        if (options.PredictedLabelName is { } predictedLabel)
        {
            names.Add((OnnxNames.PredictedLabel, predictedLabel));
        }

        return names;
    }

    private static string Describe(
        string architecture, int classes, long channels, (int Height, int Width)? size, IReadOnlyList<Data.IImageTransform> normalizations, OnnxExportOptions options)
    {
        var input = size is { } s ? $"{s.Height}, {s.Width}" : "H, W";
        var normalization = normalizations.Count == 0
            ? "none"
            : string.Join(", then ", normalizations.Select(n => n switch
            {
                Data.NormalizeTransform normalize => $"mean ({string.Join(", ", normalize.Mean)}), std ({string.Join(", ", normalize.Std)})",
                Data.MeanImageNormalizeTransform meanImage => $"255·x minus a {meanImage.Channels}×{meanImage.Height}×{meanImage.Width} mean image resized to the input, std ({string.Join(", ", meanImage.Std)})",
                _ => n.GetType().Name,
            }));
        var maps = OutputNames(options).Skip(3).Where(o => o.Role != OnnxNames.PredictedLabel).Select(o => $"{o.Name} ({o.Role})").ToList();
        return $"{architecture} image classifier, {classes} classes, exported by {ProducerName} {ModelArchiveLayout.LibraryVersion}. " +
               $"Input {options.InputName} [N, {channels}, {input}] float32: RGB pixels in [0, 1] after the resize and crop in metadata '{OnnxNames.PreprocessingKey}'; " +
               $"the graph normalises them ({normalization}). Outputs: {options.ScoreName} [N, {classes}] softmax probabilities, {options.LogitsName} [N, {classes}]" +
               (maps.Count > 0 ? $", {string.Join(", ", maps)} at {(options.MapResolution == MapResolution.Input ? "input" : "feature")} resolution" : string.Empty) +
               $". Class names: metadata '{OnnxNames.ClassesKey}' and the ML.NET slot names of {options.ScoreName}.";
    }

    private static void Metadata(ModelProto model, string key, string value) => model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });

    private static void WriteAtomically(ModelProto model, string path) => Serialization.AtomicFile.Write(path, model.WriteTo);
}
