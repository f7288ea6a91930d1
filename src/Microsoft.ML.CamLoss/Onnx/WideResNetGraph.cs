using Microsoft.ML.CamLoss.Models;
using TorchSharp.Modules;
using static Microsoft.ML.CamLoss.Onnx.ModuleChildren;

namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>
/// The feature layers of a <see cref="WideResNet"/> as ONNX nodes: <c>conv1</c>, then per pre-activation
/// block <c>a = relu(bn1(x))</c>, <c>conv2(relu(bn2(conv1(a)))) + (convShortcut(a) or x)</c> (dropout is
/// the identity in evaluation mode), and finally <c>relu(bn1(x))</c>. The BatchNorms that follow the
/// addition (<c>bn1</c> of each block and the final one) precede no convolution directly, so they stay
/// <c>BatchNormalization</c> nodes; <c>bn2</c> folds into <c>conv1</c>.
/// </summary>
internal static class WideResNetGraph
{
    /// <summary>Writes the layers up to the <c>last</c> tap (<c>relu(bn1(block3))</c>); returns it.</summary>
    public static FeatureMap Write(WideResNet network, OnnxLayerWriter writer, FeatureMap x)
    {
        var children = Expect(network, string.Empty, ["conv1", "block1", "block2", "block3", "bn1", network.ClassifierName]);
        x = writer.Convolution(Required<Conv2d>(children, string.Empty, "conv1"), "conv1", null, string.Empty, x);
        foreach (var stageName in new[] { "block1", "block2", "block3" })
        {
            var stage = children[stageName];
            if (stage.GetType().DeclaringType != typeof(WideResNet))
            {
                throw Unsupported(stage, stageName, "a Wide-ResNet stage is the network's own stage module");
            }

            var layer = Required<Sequential>(Expect(stage, stageName, ["layer"]), stageName, "layer");
            foreach (var (path, module) in Numbered(layer, $"{stageName}.layer"))
            {
                x = Block(module as WideBasicBlock ?? throw Unsupported(module, path, "a Wide-ResNet stage holds WideBasicBlocks"), path, writer, x);
            }
        }

        x = writer.BatchNorm(Required<BatchNorm2d>(children, string.Empty, "bn1"), "bn1", x);
        return writer.Relu(x, "relu");
    }

    private static FeatureMap Block(WideBasicBlock block, string path, OnnxLayerWriter writer, FeatureMap x)
    {
        var children = Expect(block, path, ["bn1", "conv1", "bn2", "conv2"], "convShortcut");
        var activated = writer.Relu(writer.BatchNorm(Required<BatchNorm2d>(children, path, "bn1"), $"{path}.bn1", x), $"{path}.relu1");
        var y = writer.Convolution(Required<Conv2d>(children, path, "conv1"), $"{path}.conv1", Required<BatchNorm2d>(children, path, "bn2"), $"{path}.bn2", activated);
        y = writer.Relu(y, $"{path}.relu2");
        y = writer.Convolution(Required<Conv2d>(children, path, "conv2"), $"{path}.conv2", null, string.Empty, y);
        var shortcut = Optional<Conv2d>(children, path, "convShortcut") is { } projection
            ? writer.Convolution(projection, $"{path}.convShortcut", null, string.Empty, activated)
            : x;
        return writer.Add(y, shortcut, $"{path}.add");
    }
}
