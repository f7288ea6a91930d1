using Microsoft.ML.CamLoss.Onnx;

namespace Microsoft.ML.CamLoss.Models.Cntk;

internal static partial class CntkResNetGraph
{
    /// <summary>The layers: each checks one node against torchvision's layer, stores its weights under torchvision's name and tracks the map size.</summary>
    private sealed partial class Walk
    {
        private string Convolution(OnnxNode conv, string name, int kernel, long stride)
        {
            _visited.Add(conv);
            var weight = Weight(conv);
            if (conv.Inputs.Count != 2)
            {
                throw graph.Error($"{conv} ({name}) has a bias or extra inputs [{string.Join(", ", conv.Inputs)}]; torchvision's convolutions have none (bias=False)");
            }

            long[] expectedShape = [weight.Shape[0], _channels, kernel, kernel];
            if (!weight.Shape.SequenceEqual(expectedShape))
            {
                throw graph.Error($"{conv} ({name}) has weights {weight.ShapeText}; torchvision's {name}.weight reading {_channels} channels is [out, {_channels}, {kernel}, {kernel}]");
            }

            var kernelShape = conv.Ints("kernel_shape", [kernel, kernel])!;
            var strides = conv.Ints("strides", [1, 1])!;
            var dilations = conv.Ints("dilations", [1, 1])!;
            var autoPad = conv.String("auto_pad", "NOTSET");
            if (!kernelShape.SequenceEqual([kernel, kernel]) || !strides.SequenceEqual([stride, stride]) || dilations.Any(d => d != 1) || conv.Int("group", 1) != 1 || autoPad != "NOTSET")
            {
                throw graph.Error(
                    $"{conv} ({name}) has kernel [{string.Join(", ", kernelShape)}], strides [{string.Join(", ", strides)}], dilations [{string.Join(", ", dilations)}], group {conv.Int("group", 1)}, auto_pad {autoPad}; " +
                    $"torchvision's {name} is a {kernel}×{kernel} convolution with stride {stride}, no dilation, no groups and explicit padding");
            }

            CheckPads(conv, name, kernel / 2, stride, kernel);
            Add($"{name}.weight", weight);
            _channels = weight.Shape[0];
            return Single(conv);
        }

        private string BatchNorm(OnnxNode bn, string name)
        {
            if (bn.Inputs.Count != 5)
            {
                throw graph.Error($"{bn} ({name}) has {bn.Inputs.Count} inputs; expected X, scale, B, mean, var");
            }

            var epsilon = bn.Float("epsilon", 1e-5f);
            if (Math.Abs(epsilon - BatchNormEpsilon) > BatchNormEpsilon * 1e-6 || bn.Int("spatial", 1) != 1)
            {
                throw graph.Error($"{bn} ({name}) has epsilon {epsilon:R} and spatial {bn.Int("spatial", 1)}; torchvision's BatchNorm2d uses ε = 1e-5 per channel (spatial 1)");
            }

            _batchNormMomentum = bn.Float("momentum", _batchNormMomentum);
            string[] parts = ["weight", "bias", "running_mean", "running_var"];
            for (var i = 0; i < 4; i++)
            {
                var value = Initializer(bn, i + 1, name);
                if (value.Shape is not [var c] || c != _channels)
                {
                    throw graph.Error($"{bn} ({name}) has {parts[i]} '{value.Name}' of shape {value.ShapeText}; the layer has {_channels} channels");
                }

                Add($"{name}.{parts[i]}", value);
            }

            return Single(bn);
        }

        private string MaxPool(OnnxNode pool)
        {
            var kernel = pool.Ints("kernel_shape") ?? [];
            var strides = pool.Ints("strides", [1, 1])!;
            if (!kernel.SequenceEqual([3L, 3L]) || !strides.SequenceEqual([2L, 2L]) || pool.String("auto_pad", "NOTSET") != "NOTSET" || (pool.Ints("dilations") ?? [1, 1]).Any(d => d != 1) || pool.Int("ceil_mode", 0) != 0)
            {
                throw graph.Error($"{pool} has kernel [{string.Join(", ", kernel)}], strides [{string.Join(", ", strides)}]; torchvision's stem max pool is 3×3 with stride 2 and padding 1");
            }

            if (pool.Outputs.Count != 1)
            {
                throw graph.Error($"{pool} has {pool.Outputs.Count} outputs (indices?); expected one");
            }

            CheckPads(pool, "maxpool", 1, 2, 3);
            return pool.Outputs[0];
        }

        private void AveragePool(OnnxNode pool)
        {
            _visited.Add(pool);
            var kernel = pool.Ints("kernel_shape") ?? [];
            var pads = pool.Ints("pads") ?? [0, 0, 0, 0];
            if (!kernel.SequenceEqual([_height, _width]) || pads.Any(p => p != 0) || pool.String("auto_pad", "NOTSET") != "NOTSET")
            {
                throw graph.Error($"{pool} pools [{string.Join(", ", kernel)}] windows with pads [{string.Join(", ", pads)}] over {_height}×{_width} maps; torchvision's ResNet averages the whole map");
            }

            if (pool.Outputs is not [var output] || output != graph.Output.Name)
            {
                throw graph.Error($"{pool} is not the graph's output '{graph.Output.Name}'; the file's network should end in the pooled features (no classifier)");
            }

            _conventions.Add($"Pooling: the file averages fixed {_height}×{_width} windows (its last map at the declared {InputHeight}×{InputWidth} input); the network here averages the whole map at any input size, as torchvision.");
        }

        /// <summary>
        /// Padding [top, left, bottom, right] must begin with torchvision's <paramref name="pad"/> and end with it
        /// or, at stride 2, one less (CNTK); tracks the layer's output size under both conventions.
        /// </summary>
        private void CheckPads(OnnxNode node, string name, long pad, long stride, long kernel)
        {
            var pads = node.Ints("pads", [0, 0, 0, 0])!;
            var ok = pads.Length == 4 && pads[0] == pad && pads[1] == pad
                && (pads[2] == pad || (stride > 1 && pads[2] == pad - 1)) && (pads[3] == pad || (stride > 1 && pads[3] == pad - 1));
            if (!ok)
            {
                throw graph.Error($"{node} ({name}) has pads [{string.Join(", ", pads)}] (top, left, bottom, right); torchvision's {name} pads {pad} on every side");
            }

            if (pads[2] != pad || pads[3] != pad)
            {
                _asymmetric.Add(name);
            }

            var height = ((_height + pads[0] + pads[2] - kernel) / stride) + 1;
            var width = ((_width + pads[1] + pads[3] - kernel) / stride) + 1;
            var torchHeight = ((_height + (2 * pad) - kernel) / stride) + 1;
            var torchWidth = ((_width + (2 * pad) - kernel) / stride) + 1;
            _sizesDiffer |= height != torchHeight || width != torchWidth;
            (_height, _width) = (torchHeight, torchWidth);
        }

        private OnnxInitializer Weight(OnnxNode conv) => Initializer(conv, 1, "a convolution");

        private OnnxInitializer Initializer(OnnxNode node, int input, string role)
        {
            if (node.Inputs.Count <= input || !graph.Initializers.TryGetValue(node.Inputs[input], out var value))
            {
                throw graph.Error($"input {input} of {node} ({role}) is not a stored weight (initializer)");
            }

            return value;
        }

        private void Add(string name, OnnxInitializer value)
        {
            if (!_usedInitializers.Add(value.Name))
            {
                throw graph.Error($"the initializer '{value.Name}' is used twice (again as {name}); shared weights cannot be mapped onto torchvision's ResNet");
            }

            _state.Add(value with { Name = name });
        }
    }
}
