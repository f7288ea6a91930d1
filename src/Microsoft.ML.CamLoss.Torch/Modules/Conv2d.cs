namespace Microsoft.ML.CamLoss.Torch;

/// <summary>
/// 2-D convolution layer (as <c>torch.nn.Conv2d</c>): parameters <c>weight [out, in/groups, k, k]</c>
/// and optional <c>bias [out]</c>, initialised as PyTorch does (<see cref="Init.DefaultLayer"/>).
/// </summary>
public sealed class Conv2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer with square kernel, stride, padding and dilation.</summary>
    public Conv2d(long inChannels, long outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, int groups = 1, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        if (inChannels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException($"Channels ({inChannels} in, {outChannels} out) must be divisible by groups ({groups}).");
        }

        (Stride, Padding, Dilation, Groups) = (stride, padding, dilation, groups);
        Weight = RegisterParameter("weight", Tensor.Empty([outChannels, inChannels / groups, kernelSize, kernelSize]));
        Bias = bias ? RegisterParameter("bias", Tensor.Empty([outChannels])) : null;
        Init.DefaultLayer(Weight, Bias);
    }

    /// <summary>Kernel weights <c>[out, in/groups, k, k]</c>.</summary>
    public Tensor Weight { get; }

    /// <summary>Bias <c>[out]</c>, or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>Stride in both directions.</summary>
    public int Stride { get; }

    /// <summary>Zero padding on every side.</summary>
    public int Padding { get; }

    /// <summary>Spacing between kernel taps.</summary>
    public int Dilation { get; }

    /// <summary>Number of channel groups.</summary>
    public int Groups { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);
}
