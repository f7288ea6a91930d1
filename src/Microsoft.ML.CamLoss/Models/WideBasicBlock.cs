using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Models;

/// <summary>
/// Pre-activation block of a WRN: BN–ReLU–conv3×3–BN–ReLU–(dropout)–conv3×3, plus identity or 1×1
/// projection. Children: <c>bn1</c>, <c>conv1</c>, <c>bn2</c>, <c>conv2</c> and, where the shape changes, <c>convShortcut</c>.
/// </summary>
public sealed class WideBasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly double _dropout;

    /// <summary>Creates the block.</summary>
    /// <param name="inPlanes">Input channels.</param>
    /// <param name="outPlanes">Output channels.</param>
    /// <param name="stride">Stride of the first convolution and the projection.</param>
    /// <param name="dropout">Dropout probability between the convolutions (training only); 0 for none.</param>
    public WideBasicBlock(long inPlanes, long outPlanes, int stride, double dropout)
        : base(nameof(WideBasicBlock))
    {
        _dropout = dropout;
        Bn1 = nn.BatchNorm2d(inPlanes);
        register_module("bn1", Bn1);
        Conv1 = nn.Conv2d(inPlanes, outPlanes, 3, stride: stride, padding: 1, bias: false);
        register_module("conv1", Conv1);
        Bn2 = nn.BatchNorm2d(outPlanes);
        register_module("bn2", Bn2);
        Conv2 = nn.Conv2d(outPlanes, outPlanes, 3, stride: 1, padding: 1, bias: false);
        register_module("conv2", Conv2);
        if (inPlanes != outPlanes || stride != 1)
        {
            Shortcut = nn.Conv2d(inPlanes, outPlanes, 1, stride: stride, bias: false);
            register_module("convShortcut", Shortcut);
        }
    }

    /// <summary>Pre-activation BatchNorm.</summary>
    public BatchNorm2d Bn1 { get; }

    /// <summary>First convolution (carries the stride).</summary>
    public Conv2d Conv1 { get; }

    /// <summary>Second BatchNorm.</summary>
    public BatchNorm2d Bn2 { get; }

    /// <summary>Second convolution.</summary>
    public Conv2d Conv2 { get; }

    /// <summary>1×1 projection when the shape changes, else null.</summary>
    public Conv2d? Shortcut { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();   // frees the block's intermediates at once (autograd keeps what it needs)

        // The projection reads the pre-activated input, the identity the raw input (as the reference code).
        var activated = Bn1.forward(input).relu_();
        var x = Bn2.forward(Conv1.ForwardMixed(activated)).relu_();
        if (_dropout > 0)
        {
            x = nn.functional.dropout(x, _dropout, training);
        }

        var residual = Conv2.ForwardMixed(x);
        return residual.add_(Shortcut is null ? input : Shortcut.ForwardMixed(activated)).MoveToOuterDisposeScope();
    }

    /// <summary>Nothing: children are registered explicitly, in PyTorch's order.</summary>
    protected override void RegisterComponents()
    {
    }
}
