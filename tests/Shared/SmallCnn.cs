using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Testing;

/// <summary>
/// conv(3→C, 3×3, pad 1) – BatchNorm – ReLU – max-pool 2 – linear: the small CNN of the engine parity
/// tests and the benchmarks, twin of <c>tests/Microsoft.ML.CamLoss.Tests/Reference/small_cnn.py</c>.
/// Children are registered under PyTorch's names and in its order (<c>conv</c>, <c>bn</c>, <c>fc</c>), so
/// the seeded initialisation draws the same numbers as PyTorch's and the fixture's state dicts load by name.
/// </summary>
public sealed class SmallCnn : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the network with PyTorch's default initialisation (from the global generator).</summary>
    /// <param name="channels">C: output channels of the convolution.</param>
    /// <param name="imageSize">Height and width of the inputs (even), which fixes the linear layer's input size.</param>
    /// <param name="classes">Number of logits.</param>
    public SmallCnn(int channels = 8, int imageSize = 8, int classes = 10)
        : base(nameof(SmallCnn))
    {
        Conv = nn.Conv2d(3, channels, 3, padding: 1);
        Bn = nn.BatchNorm2d(channels);
        Fc = nn.Linear(channels * (imageSize / 2) * (imageSize / 2), classes);
        register_module("conv", Conv);
        register_module("bn", Bn);
        register_module("fc", Fc);
    }

    /// <summary>The convolution, <c>conv</c>.</summary>
    public Conv2d Conv { get; }

    /// <summary>The batch normalisation, <c>bn</c>.</summary>
    public BatchNorm2d Bn { get; }

    /// <summary>The classifier, <c>fc</c>.</summary>
    public Linear Fc { get; }

    /// <summary>Logits <c>[B, classes]</c> of images <c>[B, 3, imageSize, imageSize]</c>; they join the caller's dispose scope.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = nn.functional.max_pool2d(nn.functional.relu(Bn.forward(Conv.forward(input))), [2, 2]);
        return Fc.forward(x.flatten(1)).MoveToOuterDisposeScope();
    }

    /// <summary>Nothing: the children are registered explicitly above (TorchSharp would otherwise add every field by reflection).</summary>
    protected override void RegisterComponents()
    {
    }
}
