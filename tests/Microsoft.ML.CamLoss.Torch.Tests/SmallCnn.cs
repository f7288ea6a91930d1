using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Torch.Tests;

/// <summary>conv(3→C, 3×3, pad 1) – BN – ReLU – max-pool 2 – linear; twin of Reference/small_cnn.py.</summary>
public sealed class SmallCnn : Module<Tensor, Tensor>
{
    public SmallCnn(int channels = 8, int imageSize = 8, int classes = 10)
    {
        Conv = RegisterModule("conv", new Conv2d(3, channels, 3, padding: 1));
        Bn = RegisterModule("bn", new BatchNorm2d(channels));
        Fc = RegisterModule("fc", new Linear(channels * (imageSize / 2) * (imageSize / 2), classes));
    }

    public Conv2d Conv { get; }

    public BatchNorm2d Bn { get; }

    public Linear Fc { get; }

    public override Tensor Forward(Tensor input)
    {
        using var scope = new TensorScope();
        var x = Functional.MaxPool2d(Bn.Forward(Conv.Forward(input)).ReluInPlace(), 2);
        return scope.MoveOut(Fc.Forward(x.Flatten(1)));
    }
}
