using System.Globalization;
using Microsoft.ML.CamLoss.Onnx;

namespace Microsoft.ML.CamLoss.Models.Cntk;

/// <summary>
/// Maps a basic-block ResNet exported to ONNX by CNTK (the graph of <c>ResNet18.onnx</c> in
/// <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>) onto torchvision's parameter names, by following
/// the graph from its input: stem <c>Conv → BatchNormalization → Relu → MaxPool</c> (<c>conv1</c>,
/// <c>bn1</c>), then blocks <c>Conv → BN → Relu → Conv → BN → Add(shortcut) → Relu</c> whose shortcut
/// is the block input or a <c>1×1 Conv → BN</c> (<c>layerS.B.conv1/bn1/conv2/bn2</c>,
/// <c>layerS.B.downsample.0/1</c>), a new stage starting at each stride-2 block, and a final
/// <c>AveragePool</c> over the whole map. The two convolutions that read a block's input are told
/// apart by what follows their BatchNorm (a Relu: the main path; the Add: the shortcut), not by
/// their order in the file.
/// </summary>
/// <remarks>
/// Checked against torchvision's ResNet on every node: kernel sizes, strides, no bias, no groups or
/// dilation, BatchNorm ε = 1e-5, padding, channel counts, and that every node and every initializer of
/// the file is used exactly once. What differs from torchvision and is still equivalent is accepted
/// and described in <see cref="MappedWeights.Conventions"/>: CNTK pads stride-2 layers one pixel less
/// at the bottom/right (equal to torchvision's symmetric padding whenever the layer's input side is
/// even, i.e. for every input whose sides are multiples of 32), and pools with a fixed window equal
/// to the last map at the declared input size (torchvision: global average pooling). Anything else
/// throws an <see cref="InvalidDataException"/> naming the node and the torchvision parameter it
/// would have become.
/// </remarks>
internal static partial class CntkResNetGraph
{
    /// <summary>torchvision's BatchNorm ε.</summary>
    private const double BatchNormEpsilon = 1e-5;

    /// <summary>Maps <paramref name="graph"/>; see the class remarks.</summary>
    /// <exception cref="InvalidDataException">The graph is not a basic-block ResNet in torchvision's layout.</exception>
    public static MappedWeights Map(OnnxGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return new Walk(graph).Run();
    }

    private sealed partial class Walk(OnnxGraph graph)
    {
        private readonly List<OnnxInitializer> _state = [];
        private readonly HashSet<OnnxNode> _visited = [];
        private readonly HashSet<string> _usedInitializers = [];
        private readonly SortedSet<string> _asymmetric = new(StringComparer.Ordinal);
        private readonly List<string> _conventions = [];
        private bool _sizesDiffer;
        private float _batchNormMomentum = float.NaN;
        private long _channels;
        private long _height;
        private long _width;

        public MappedWeights Run()
        {
            var input = graph.Input;
            if (input.Shape.Length != 4 || input.Shape[1] != 3 || input.Shape[2] < 1 || input.Shape[3] < 1)
            {
                throw graph.Error($"the input '{input.Name}' has shape [{string.Join(", ", input.Shape)}]; an image network reads [N, 3, H, W]");
            }

            (_channels, _height, _width) = (3, input.Shape[2], input.Shape[3]);

            // Stem: conv1 → bn1 → ReLU → max pool 3×3 stride 2 (pad 1).
            var conv = Next(input.Name, "Conv", "conv1");
            var x = Convolution(conv, "conv1", kernel: 7, stride: 2);
            x = BatchNorm(Next(x, "BatchNormalization", "bn1"), "bn1");
            x = Single(Next(x, "Relu", "the ReLU after bn1"));
            x = MaxPool(Next(x, "MaxPool", "the max pool after bn1"));

            var blocksPerStage = new List<int> { 0 };
            while (true)
            {
                var consumers = graph.Consumers(x);
                if (consumers is [{ OpType: "AveragePool" } pool])
                {
                    AveragePool(pool);
                    break;
                }

                x = Block(x, blocksPerStage);
            }

            var unused = graph.Nodes.Where(n => !_visited.Contains(n)).ToList();
            if (unused.Count > 0)
            {
                throw graph.Error($"{string.Join(", ", unused.Take(5))}{(unused.Count > 5 ? $" and {unused.Count - 5} more" : string.Empty)} cannot be mapped onto torchvision's ResNet (not on the path from the input to the output)");
            }

            var unusedWeights = graph.Initializers.Keys.Where(k => !_usedInitializers.Contains(k)).ToList();
            if (unusedWeights.Count > 0)
            {
                throw graph.Error($"the initializers {string.Join(", ", unusedWeights.Take(5).Select(w => $"'{w}'"))} are not used by the mapped network");
            }

            if (_asymmetric.Count > 0)
            {
                _conventions.Add(
                    $"Padding: {string.Join(", ", _asymmetric)} pad CNTK-style, one pixel less at the bottom and right than at the top and left; torchvision pads symmetrically. " +
                    $"The two give the same output whenever the layer's input side is even, so for every input whose sides are multiples of 32 (such as {InputHeight}×{InputWidth}); the network here pads as torchvision does." +
                    (_sizesDiffer ? " At the file's declared input size some output sizes differ." : string.Empty));
            }

            _conventions.Add(float.IsNaN(_batchNormMomentum)
                ? "BatchNorm: ε = 1e-5 as torchvision."
                : string.Create(CultureInfo.InvariantCulture, $"BatchNorm: ε = 1e-5 as torchvision; the file's running-average momentum ({_batchNormMomentum:0.####}, CNTK's convention) is not used (fine-tuning uses PyTorch's 0.1)."));
            return new MappedWeights(_state, blocksPerStage, _conventions);
        }

        private long InputHeight => graph.Input.Shape[2];

        private long InputWidth => graph.Input.Shape[3];

        /// <summary>One basic block from input tensor <paramref name="x"/>; returns the block's output tensor.</summary>
        private string Block(string x, List<int> blocksPerStage)
        {
            var consumers = graph.Consumers(x);
            var convolutions = consumers.Where(n => n.OpType == "Conv").ToList();
            var others = consumers.Where(n => n.OpType is not ("Conv" or "Add")).ToList();
            if (convolutions.Count is < 1 or > 2 || others.Count > 0)
            {
                throw graph.Error($"the tensor '{x}' (input of the block after {Describe(blocksPerStage)}) is read by {string.Join(", ", consumers)}; a basic block reads its input with one or two Conv nodes and possibly the shortcut's Add");
            }

            var main = convolutions.Where(c => FollowsIntoRelu(c)).ToList();
            if (main.Count != 1)
            {
                throw graph.Error(
                    $"cannot tell the main path from the shortcut of the block reading '{x}': exactly one of its convolutions should lead through a BatchNormalization into one Relu, but {string.Join("; ", convolutions.Select(Path))}");
            }

            var shortcutConvolution = convolutions.FirstOrDefault(c => !ReferenceEquals(c, main[0]));
            var stride = (main[0].Ints("strides") ?? [1, 1]) is [var sh, var sw] && sh == sw ? sh : 0;
            var outChannels = Weight(main[0]).Shape[0];
            var newStage = stride == 2 || (blocksPerStage[^1] > 0 && outChannels != _channels);
            if (newStage && blocksPerStage[^1] > 0)
            {
                blocksPerStage.Add(0);
            }

            var stage = blocksPerStage.Count;
            var prefix = $"layer{stage}.{blocksPerStage[^1]}";
            if (stage > 4)
            {
                throw graph.Error($"{main[0]} would start a fifth stage; torchvision's ResNet has four");
            }

            var expectedStride = newStage && stage > 1 ? 2 : 1;
            var (inChannels, inHeight, inWidth) = (_channels, _height, _width);
            var y = Convolution(main[0], $"{prefix}.conv1", kernel: 3, stride: expectedStride);
            y = BatchNorm(Next(y, "BatchNormalization", $"{prefix}.bn1"), $"{prefix}.bn1");
            y = Single(Next(y, "Relu", $"the ReLU after {prefix}.bn1"));
            var second = Next(y, "Conv", $"{prefix}.conv2");
            y = Convolution(second, $"{prefix}.conv2", kernel: 3, stride: 1);
            y = BatchNorm(Next(y, "BatchNormalization", $"{prefix}.bn2"), $"{prefix}.bn2");
            var (mainChannels, outHeight, outWidth) = (_channels, _height, _width);

            string shortcut;
            var needsDownsample = expectedStride != 1 || inChannels != _channels;
            if (shortcutConvolution is not null)
            {
                if (!needsDownsample)
                {
                    throw graph.Error($"{shortcutConvolution} is a shortcut convolution in {prefix}, whose input and output have the same size; torchvision's block has an identity shortcut there");
                }

                (_channels, _height, _width) = (inChannels, inHeight, inWidth);
                shortcut = Convolution(shortcutConvolution, $"{prefix}.downsample.0", kernel: 1, stride: expectedStride);
                shortcut = BatchNorm(Next(shortcut, "BatchNormalization", $"{prefix}.downsample.1"), $"{prefix}.downsample.1");
                if ((_channels, _height, _width) != (mainChannels, outHeight, outWidth))
                {
                    throw graph.Error($"in {prefix} the shortcut gives {_channels}×{_height}×{_width} maps but the main path {mainChannels}×{outHeight}×{outWidth}");
                }
            }
            else if (needsDownsample)
            {
                throw graph.Error($"{prefix} changes the size ({inChannels}→{_channels} channels, stride {expectedStride}) but its shortcut is the identity; torchvision's block has a 1×1 convolution (downsample) there");
            }
            else
            {
                shortcut = x;
            }

            var add = Next(y, "Add", $"the residual sum of {prefix}");
            if (add.Inputs.Count != 2 || !add.Inputs.Contains(y) || !add.Inputs.Contains(shortcut))
            {
                throw graph.Error($"{add} adds [{string.Join(", ", add.Inputs)}]; {prefix} should add '{y}' and its shortcut '{shortcut}'");
            }

            blocksPerStage[^1]++;
            return Single(Next(Single(add), "Relu", $"the ReLU after {prefix}"));
        }

        /// <summary>What follows a convolution, for messages: <c>Conv 'a' → BatchNormalization 'b' → Relu 'c', Sigmoid 'd'</c>.</summary>
        private string Path(OnnxNode conv)
        {
            var next = graph.Consumers(conv.Outputs[0]);
            var text = $"{conv} → {string.Join(", ", next)}";
            return next is [{ OpType: "BatchNormalization" } bn] ? $"{text} → {string.Join(", ", graph.Consumers(bn.Outputs[0]).DefaultIfEmpty(null).Select(n => n?.ToString() ?? "nothing"))}" : text;
        }

        /// <summary>Whether <paramref name="conv"/> → BatchNormalization → Relu (the main path of a block).</summary>
        private bool FollowsIntoRelu(OnnxNode conv) =>
            graph.Consumers(conv.Outputs[0]) is [{ OpType: "BatchNormalization" } bn] && graph.Consumers(bn.Outputs[0]) is [{ OpType: "Relu" }];

        /// <summary>The one node reading <paramref name="tensor"/>, which must be an <paramref name="opType"/> (becoming <paramref name="role"/>).</summary>
        private OnnxNode Next(string tensor, string opType, string role)
        {
            var consumers = graph.Consumers(tensor);
            if (consumers.Count != 1 || consumers[0].OpType != opType || consumers[0].Domain.Length > 0)
            {
                throw graph.Error($"'{tensor}' should be read by one {opType} node ({role} in torchvision's ResNet), but is read by {(consumers.Count == 0 ? "nothing" : string.Join(", ", consumers))}");
            }

            if (!_visited.Add(consumers[0]))
            {
                throw graph.Error($"{consumers[0]} is reached twice; the graph is not a chain of residual blocks");
            }

            return consumers[0];
        }

        private string Single(OnnxNode node)
        {
            if (node.Outputs.Count != 1)
            {
                throw graph.Error($"{node} has {node.Outputs.Count} outputs; expected one");
            }

            return node.Outputs[0];
        }

        /// <summary>The last block mapped (<c>layer2.1</c>), or the stem.</summary>
        private static string Describe(List<int> blocksPerStage) =>
            blocksPerStage is [0] ? "the stem" : blocksPerStage[^1] == 0 ? $"layer{blocksPerStage.Count - 1}.{blocksPerStage[^2] - 1}" : $"layer{blocksPerStage.Count}.{blocksPerStage[^1] - 1}";
    }
}
