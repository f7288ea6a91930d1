using Microsoft.ML.CamLoss.Models;

namespace Microsoft.ML.CamLoss.Cli.Models;

/// <summary>Which input size an architecture was designed for, which sets the CLI's preprocessing defaults.</summary>
internal static class ArchitectureFamily
{
    /// <summary>Whether <paramref name="architecture"/> is a CIFAR network (ResNet-8 … 110, Wide-ResNets): 32×32 inputs.</summary>
    public static bool IsCifar(Architecture architecture) => architecture is
        Architecture.ResNet8 or Architecture.ResNet20 or Architecture.ResNet32 or Architecture.ResNet44 or Architecture.ResNet56 or Architecture.ResNet110 or
        Architecture.WideResNet16x2 or Architecture.WideResNet16x4 or Architecture.WideResNet28x2 or Architecture.WideResNet28x4 or Architecture.WideResNet28x10;

    /// <summary>The default input side: 32 for CIFAR networks, 224 for the ImageNet ones.</summary>
    public static int DefaultImageSize(Architecture architecture) => IsCifar(architecture) ? 32 : 224;
}
