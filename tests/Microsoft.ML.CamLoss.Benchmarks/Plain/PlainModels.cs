using Microsoft.ML.CamLoss.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Benchmarks.Plain;

/// <summary>The plain TorchSharp twin of an architecture, where the benchmarks have one.</summary>
internal static class PlainModels
{
    /// <summary>The plain TorchSharp network of <paramref name="architecture"/>, or null where there is none (only ResNet-20 and ResNet-18 have one).</summary>
    public static nn.Module<Tensor, Tensor>? Create(Architecture architecture, int classes) => architecture switch
    {
        Architecture.ResNet20 => new PlainCifarResNet(20, classes),
        Architecture.ResNet18 => new PlainResNet18(classes),
        _ => null,
    };
}
