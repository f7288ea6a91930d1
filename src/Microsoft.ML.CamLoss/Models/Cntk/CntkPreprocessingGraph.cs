using System.Globalization;
using Microsoft.ML.CamLoss.Onnx;

namespace Microsoft.ML.CamLoss.Models.Cntk;

/// <summary>
/// Reads the preprocessing graph that goes with a CNTK network (<c>ResNetPreprocess.onnx</c> in
/// <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>): an optional channel reorder
/// (<c>Split</c> along channels, then <c>Concat</c> in another order) followed by <c>Sub</c> of a
/// stored mean (a whole mean image <c>[1, C, H, W]</c>, or one value per channel). No scaling node:
/// the graph reads pixel values as ML.NET's <c>ExtractPixels</c> gives them by default, 0–255 in
/// RGB order (its split outputs are named <c>RInp</c>, <c>GInp</c>, <c>BInp</c>), which the mean's size
/// confirms (channel means near 100–125; a mean below 1 would mean [0, 1] input and is refused).
/// Any other node is an error.
/// </summary>
internal static class CntkPreprocessingGraph
{
    /// <summary>Maps <paramref name="graph"/>; see the class remarks.</summary>
    /// <exception cref="InvalidDataException">The graph does something else.</exception>
    public static CntkPreprocessing Map(OnnxGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var input = graph.Input;
        if (input.Shape is not [_, var channels, var height, var width] || channels < 1 || height < 1 || width < 1)
        {
            throw graph.Error($"the input '{input.Name}' has shape [{string.Join(", ", input.Shape)}]; a preprocessing graph reads [N, C, H, W]");
        }

        var visited = new HashSet<OnnxNode>();
        var x = input.Name;
        var source = Enumerable.Range(0, (int)channels).ToArray();
        var conventions = new List<string>();
        if (graph.Consumers(x) is [{ OpType: "Split" } split])
        {
            visited.Add(split);
            if (split.Int("axis", 0) != 1 || split.Outputs.Count != channels || (split.Ints("split") is { } sizes && sizes.Any(s => s != 1)))
            {
                throw graph.Error($"{split} splits along axis {split.Int("axis", 0)} into {split.Outputs.Count} parts; a channel reorder splits axis 1 into single channels");
            }

            var concat = Only(graph, split.Outputs[0], "Concat");
            visited.Add(concat);
            if (concat.Int("axis", -1) != 1 || concat.Inputs.Count != channels || concat.Inputs.Distinct().Count() != channels || concat.Inputs.Any(i => !split.Outputs.Contains(i)))
            {
                throw graph.Error($"{concat} concatenates [{string.Join(", ", concat.Inputs)}] along axis {concat.Int("axis", -1)}; a channel reorder concatenates each split channel once along axis 1");
            }

            foreach (var part in split.Outputs)
            {
                if (graph.Consumers(part) is not [var only] || !ReferenceEquals(only, concat))
                {
                    throw graph.Error($"the split channel '{part}' is read by {string.Join(", ", graph.Consumers(part))}; only the reordering Concat should read it");
                }
            }

            source = [.. concat.Inputs.Select(i => split.Outputs.ToList().IndexOf(i))];
            x = concat.Outputs[0];
            if (source.SequenceEqual([2, 1, 0]))
            {
                conventions.Add("Channel order: the network reads BGR (the preprocessing graph reverses the RGB image's channels); the first convolution's input channels are reversed here so the network reads RGB, as every network of this library.");
            }
            else if (!source.SequenceEqual(Enumerable.Range(0, (int)channels)))
            {
                conventions.Add($"Channel order: the network reads the image's channels in the order [{string.Join(", ", source)}]; the first convolution's input channels are reordered here so the network reads them in the image's order.");
            }
        }

        var sub = Only(graph, x, "Sub");
        visited.Add(sub);
        if (sub.Inputs.Count != 2 || sub.Inputs[0] != x || !graph.Initializers.TryGetValue(sub.Inputs[1], out var mean))
        {
            throw graph.Error($"{sub} subtracts [{string.Join(", ", sub.Inputs)}]; expected the image minus a stored mean");
        }

        if (sub.Outputs is not [var output] || output != graph.Output.Name)
        {
            throw graph.Error($"{sub} is not the graph's output '{graph.Output.Name}'");
        }

        var unused = graph.Nodes.Where(n => !visited.Contains(n)).ToList();
        if (unused.Count > 0)
        {
            throw graph.Error($"{string.Join(", ", unused)} cannot be mapped: a CNTK preprocessing graph only reorders channels and subtracts a mean");
        }

        var meanImage = Broadcast(graph, mean, (int)channels, (int)height, (int)width);
        var channelMeans = Enumerable.Range(0, (int)channels).Select(c => meanImage.AsSpan(c * (int)(height * width), (int)(height * width)).ToArray().Average()).ToArray();
        if (channelMeans.Average() <= 1)
        {
            throw graph.Error($"the mean '{mean.Name}' averages {channelMeans.Average():G4}, which suggests pixel values in [0, 1]; only the 0–255 scale of ML.NET's ExtractPixels is mapped");
        }

        var rgbMeans = Enumerable.Range(0, (int)channels).Select(c => channelMeans[Array.IndexOf(source, c)]).ToArray();
        conventions.Add(string.Create(
            CultureInfo.InvariantCulture,
            $"Input scale: pixel values 0–255 minus a {height}×{width} mean image (channel means R {rgbMeans[0]:F1}, G {rgbMeans[1]:F1}, B {rgbMeans[2 % rgbMeans.Length]:F1}; it varies by up to {Spread(meanImage, (int)channels):F0} across the image), not divided by a standard deviation; " +
            $"torchvision's weights expect [0, 1] values normalised with mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225). At other input sizes the mean image is resized (bilinear)."));
        return new CntkPreprocessing(source, meanImage, (int)height, (int)width, conventions);
    }

    private static OnnxNode Only(OnnxGraph graph, string tensor, string opType)
    {
        var consumers = graph.Consumers(tensor);
        if (consumers is not [var node] || node.OpType != opType || node.Domain.Length > 0)
        {
            throw graph.Error($"'{tensor}' should be read by one {opType} node, but is read by {(consumers.Count == 0 ? "nothing" : string.Join(", ", consumers))}");
        }

        return node;
    }

    /// <summary>The mean as a full <c>[C, H, W]</c> image: stored as <c>[1, C, H, W]</c>, <c>[C, H, W]</c>, <c>[1, C, 1, 1]</c> or <c>[C, 1, 1]</c>.</summary>
    private static float[] Broadcast(OnnxGraph graph, OnnxInitializer mean, int channels, int height, int width)
    {
        var shape = mean.Shape.SkipWhile((d, i) => d == 1 && mean.Shape.Length - i > 3).ToArray();
        var plane = height * width;
        if (shape.SequenceEqual(new long[] { channels, height, width }))
        {
            return mean.Values;
        }

        if (shape.SequenceEqual(new long[] { channels, 1, 1 }))
        {
            var full = new float[channels * plane];
            for (var c = 0; c < channels; c++)
            {
                Array.Fill(full, mean.Values[c], c * plane, plane);
            }

            return full;
        }

        throw graph.Error($"the mean '{mean.Name}' has shape {mean.ShapeText}; expected [1, {channels}, {height}, {width}] or one value per channel");
    }

    /// <summary>The largest range (max − min) of one channel of the mean image.</summary>
    private static float Spread(float[] meanImage, int channels)
    {
        var plane = meanImage.Length / channels;
        return Enumerable.Range(0, channels).Max(c =>
        {
            var values = meanImage.AsSpan(c * plane, plane);
            var (min, max) = (float.MaxValue, float.MinValue);
            foreach (var v in values)
            {
                (min, max) = (Math.Min(min, v), Math.Max(max, v));
            }

            return max - min;
        });
    }
}
