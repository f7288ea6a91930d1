using Microsoft.ML.CamLoss.Models;
using TorchSharp.Modules;
using static Microsoft.ML.CamLoss.Onnx.ModuleChildren;

namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>
/// The feature layers of a <see cref="CifarResNet"/> as ONNX nodes: stem <c>relu(bn1(conv1(x)))</c>, then
/// per basic block <c>relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))</c>, where the shortcut is the
/// identity, option B's <c>shortcut.1(shortcut.0(x))</c>, or option A's subsampling with zero-padded
/// channels (a block without a <c>shortcut</c> child whose shape changes, as <see cref="CifarBasicBlock"/>).
/// </summary>
internal static class CifarResNetGraph
{
    /// <summary>Writes the layers up to the <c>last</c> tap (the output of <c>layer3</c>); returns it.</summary>
    public static FeatureMap Write(CifarResNet network, OnnxLayerWriter writer, FeatureMap x)
    {
        var children = Expect(network, string.Empty, ["conv1", "bn1", "layer1", "layer2", "layer3", network.ClassifierName]);
        x = writer.Convolution(Required<Conv2d>(children, string.Empty, "conv1"), "conv1", Required<BatchNorm2d>(children, string.Empty, "bn1"), "bn1", x);
        x = writer.Relu(x, "relu");
        foreach (var stage in new[] { "layer1", "layer2", "layer3" })
        {
            foreach (var (path, module) in Numbered(Required<Sequential>(children, string.Empty, stage), stage))
            {
                x = Block(module as CifarBasicBlock ?? throw Unsupported(module, path, "a CIFAR ResNet stage holds CifarBasicBlocks"), path, writer, x);
            }
        }

        return x;
    }

    private static FeatureMap Block(CifarBasicBlock block, string path, OnnxLayerWriter writer, FeatureMap x)
    {
        var children = Expect(block, path, ["conv1", "bn1", "conv2", "bn2"], "shortcut");
        var conv1 = Required<Conv2d>(children, path, "conv1");
        var y = writer.Convolution(conv1, $"{path}.conv1", Required<BatchNorm2d>(children, path, "bn1"), $"{path}.bn1", x);
        y = writer.Relu(y, $"{path}.relu1");
        y = writer.Convolution(Required<Conv2d>(children, path, "conv2"), $"{path}.conv2", Required<BatchNorm2d>(children, path, "bn2"), $"{path}.bn2", y);
        FeatureMap shortcut;
        if (Optional<Sequential>(children, path, "shortcut") is { } projection)
        {
            var parts = Expect(projection, $"{path}.shortcut", ["0", "1"]);
            shortcut = writer.Convolution(
                Required<Conv2d>(parts, $"{path}.shortcut", "0"), $"{path}.shortcut.0", Required<BatchNorm2d>(parts, $"{path}.shortcut", "1"), $"{path}.shortcut.1", x);
        }
        else if (conv1.stride.Any(s => s != 1) || y.Channels != x.Channels)
        {
            if (conv1.stride.Any(s => s != 2) || y.Channels != 2 * x.Channels)
            {
                throw Unsupported(block, path, "an option-A shortcut needs stride 2 and doubled channels");
            }

            shortcut = writer.SubsampleAndPad(x, (y.Channels - x.Channels) / 2, $"{path}.shortcut");
        }
        else
        {
            shortcut = x;
        }

        return writer.Relu(writer.Add(y, shortcut, $"{path}.add"), $"{path}.relu2");
    }
}
