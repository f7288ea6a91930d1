using Microsoft.ML.CamLoss.Models;
using TorchSharp.Modules;
using static Microsoft.ML.CamLoss.Onnx.ModuleChildren;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>
/// The feature layers of an <see cref="ImageNetResNet"/> (torchvision's ResNet-18…152, ResNeXt-50) as
/// ONNX nodes: stem <c>maxpool(relu(bn1(conv1(x))), 3, 2, 1)</c>, then per block
/// <c>relu(F(x) + (downsample(x) or x))</c> with <c>F</c> the basic block's two or the bottleneck's
/// three convolution–BatchNorm pairs (ReLU between them; grouped for ResNeXt).
/// </summary>
internal static class ImageNetResNetGraph
{
    /// <summary>Writes the layers up to the <c>last</c> tap (the output of <c>layer4</c>); returns it.</summary>
    public static FeatureMap Write(ImageNetResNet network, OnnxLayerWriter writer, FeatureMap x)
    {
        var children = Expect(network, string.Empty, ["conv1", "bn1", "layer1", "layer2", "layer3", "layer4", network.ClassifierName]);
        x = writer.Convolution(Required<Conv2d>(children, string.Empty, "conv1"), "conv1", Required<BatchNorm2d>(children, string.Empty, "bn1"), "bn1", x);
        x = writer.MaxPool(writer.Relu(x, "relu"), kernel: 3, stride: 2, padding: 1, "maxpool");
        foreach (var stage in new[] { "layer1", "layer2", "layer3", "layer4" })
        {
            foreach (var (path, block) in Numbered(Required<Sequential>(children, string.Empty, stage), stage))
            {
                x = Block(block, path, writer, x);
            }
        }

        return x;
    }

    private static FeatureMap Block(nn.Module block, string path, OnnxLayerWriter writer, FeatureMap x)
    {
        var kind = block.GetType();
        if (kind.DeclaringType != typeof(ImageNetResNet) || kind.Name is not ("BasicBlock" or "Bottleneck"))
        {
            throw Unsupported(block, path, "an ImageNet ResNet stage holds the network's own basic or bottleneck blocks");
        }

        var bottleneck = kind.Name == "Bottleneck";
        string[] pairs = bottleneck ? ["1", "2", "3"] : ["1", "2"];
        var children = Expect(block, path, [.. pairs.SelectMany(i => new[] { $"conv{i}", $"bn{i}" })], "downsample");
        var y = x;
        foreach (var i in pairs)
        {
            y = writer.Convolution(Required<Conv2d>(children, path, $"conv{i}"), $"{path}.conv{i}", Required<BatchNorm2d>(children, path, $"bn{i}"), $"{path}.bn{i}", y);
            if (i != pairs[^1])
            {
                y = writer.Relu(y, $"{path}.relu{i}");
            }
        }

        var shortcut = x;
        if (Optional<Sequential>(children, path, "downsample") is { } downsample)
        {
            var parts = Expect(downsample, $"{path}.downsample", ["0", "1"]);
            shortcut = writer.Convolution(
                Required<Conv2d>(parts, $"{path}.downsample", "0"), $"{path}.downsample.0", Required<BatchNorm2d>(parts, $"{path}.downsample", "1"), $"{path}.downsample.1", x);
        }

        return writer.Relu(writer.Add(y, shortcut, $"{path}.add"), $"{path}.relu");
    }
}
