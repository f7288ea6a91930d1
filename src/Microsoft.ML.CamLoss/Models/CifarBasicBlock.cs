using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Models;

/// <summary>
/// Basic block of a CIFAR ResNet: conv3×3–BN–ReLU–conv3×3–BN, plus shortcut, then ReLU. Children:
/// <c>conv1</c>, <c>bn1</c>, <c>conv2</c>, <c>bn2</c> and, for an option-B block that changes shape,
/// <c>shortcut</c> (<c>shortcut.0</c> 1×1 convolution, <c>shortcut.1</c> BatchNorm).
/// </summary>
public sealed class CifarBasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly long _padChannels;
    private readonly Sequential? _projection;

    /// <summary>Creates the block.</summary>
    /// <param name="inPlanes">Input channels.</param>
    /// <param name="planes">Output channels.</param>
    /// <param name="stride">Stride of the first convolution (2 where a stage starts, else 1).</param>
    /// <param name="shortcut">How a block that changes shape maps its input onto its output.</param>
    /// <exception cref="ArgumentException">An option-A block changes shape other than by stride 2 and doubled channels.</exception>
    public CifarBasicBlock(long inPlanes, long planes, int stride, ShortcutKind shortcut)
        : base(nameof(CifarBasicBlock))
    {
        Conv1 = nn.Conv2d(inPlanes, planes, 3, stride: stride, padding: 1, bias: false);
        register_module("conv1", Conv1);
        Bn1 = nn.BatchNorm2d(planes);
        register_module("bn1", Bn1);
        Conv2 = nn.Conv2d(planes, planes, 3, stride: 1, padding: 1, bias: false);
        register_module("conv2", Conv2);
        Bn2 = nn.BatchNorm2d(planes);
        register_module("bn2", Bn2);
        if (stride != 1 || inPlanes != planes)
        {
            if (shortcut == ShortcutKind.A)
            {
                if (stride != 2 || planes != 2 * inPlanes)
                {
                    throw new ArgumentException("Option-A shortcuts need stride 2 and doubled channels.", nameof(shortcut));
                }

                _padChannels = planes / 4;
            }
            else
            {
                _projection = nn.Sequential(nn.Conv2d(inPlanes, planes, 1, stride: stride, bias: false), nn.BatchNorm2d(planes));
                register_module("shortcut", _projection);
            }
        }
    }

    /// <summary>First convolution (carries the stride).</summary>
    public Conv2d Conv1 { get; }

    /// <summary>First BatchNorm.</summary>
    public BatchNorm2d Bn1 { get; }

    /// <summary>Second convolution.</summary>
    public Conv2d Conv2 { get; }

    /// <summary>Second BatchNorm.</summary>
    public BatchNorm2d Bn2 { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();   // frees the block's intermediates at once (autograd keeps what it needs)
        var residual = Bn2.forward(Conv2.ForwardMixed(Bn1.forward(Conv1.ForwardMixed(input)).relu_()));
        var shortcut = _projection?.ForwardMixed(input) ?? (_padChannels > 0 ? ShortcutA(input) : input);
        return residual.add_(shortcut).relu_().MoveToOuterDisposeScope();
    }

    /// <summary>Nothing: children are registered explicitly, in PyTorch's order.</summary>
    protected override void RegisterComponents()
    {
    }

    /// <summary>Option A: every second pixel, channels zero-padded by planes/4 on each side.</summary>
    private Tensor ShortcutA(Tensor x)
    {
        var subsampled = x.slice(2, 0, x.shape[2], 2).slice(3, 0, x.shape[3], 2);
        return nn.functional.pad(subsampled, new long[] { 0, 0, 0, 0, _padChannels, _padChannels });
    }
}
