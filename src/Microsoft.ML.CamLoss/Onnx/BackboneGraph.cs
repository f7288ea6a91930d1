using Microsoft.ML.CamLoss.Models;

namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>
/// Writes a backbone's feature layers (input to the <c>last</c> tap) by its family. The exporter walks
/// the registered modules and their weights rather than tracing a forward pass (TorchSharp has no
/// tracer to ONNX): each family's writer states the forward pass it reproduces, and refuses a
/// module tree it does not recognise.
/// </summary>
internal static class BackboneGraph
{
    /// <summary>The families the exporter writes.</summary>
    public const string KnownFamilies = "CifarResNet (ResNet-8…110, option A or B), WideResNet (WRN-d-k) and ImageNetResNet (ResNet-18…152, ResNeXt-50 32×4d)";

    /// <summary>Writes the layers from <paramref name="input"/> to the <c>last</c> tap and returns it.</summary>
    /// <exception cref="NotSupportedException">The network is not one of <see cref="KnownFamilies"/>, or holds a module the exporter cannot write.</exception>
    public static FeatureMap WriteFeatures(Backbone network, OnnxLayerWriter writer, FeatureMap input) => network switch
    {
        CifarResNet cifar => CifarResNetGraph.Write(cifar, writer, input),
        WideResNet wide => WideResNetGraph.Write(wide, writer, input),
        ImageNetResNet imageNet => ImageNetResNetGraph.Write(imageNet, writer, input),
        _ => throw new NotSupportedException(
            $"Cannot export the architecture {network.GetType().Name}: the ONNX exporter knows {KnownFamilies}."),
    };

    /// <summary>A name for the metadata: e.g. <c>ResNet20</c>, <c>WideResNet16x2</c>, <c>ImageNetResNet</c>.</summary>
    public static string Describe(Backbone network) => network switch
    {
        CifarResNet cifar => $"ResNet{cifar.Depth}",
        WideResNet wide => $"WideResNet{wide.Depth}x{wide.Widen}",
        _ => network.GetType().Name,
    };
}
