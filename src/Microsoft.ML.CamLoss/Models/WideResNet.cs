using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Models;

/// <summary>
/// Wide residual network WRN-d-k (Zagoruyko &amp; Komodakis 2016) for 32×32 inputs: pre-activation
/// basic blocks in three stages of <c>(d − 4)/6</c> blocks with 16k, 32k and 64k channels, optional
/// dropout between the convolutions. Names follow the common PyTorch implementation
/// (<c>conv1</c>, <c>block1.layer.0.bn1</c> …, <c>bn1</c>, <c>fc</c>). Taps: <c>last</c> = ReLU(BN(stage 3))
/// (64k × 8 × 8), <c>inner</c> = stage 2 output (32k × 16 × 16). Weights: Kaiming normal (fan-out),
/// BatchNorm 1/0, head bias 0.
/// </summary>
public sealed class WideResNet : Backbone
{
    private readonly Module<Tensor, Tensor>[] _stages;

    /// <summary>Creates WRN-<paramref name="depth"/>-<paramref name="widen"/>.</summary>
    /// <param name="depth">6n+4: 16, 22, 28, 40, …</param>
    /// <param name="widen">Width factor k: 1, 2, 4, 8, 10, …</param>
    /// <param name="numClasses">Classes of the head; default 10.</param>
    /// <param name="dropout">Dropout probability inside each block; default 0.</param>
    public WideResNet(int depth, int widen, int numClasses = 10, double dropout = 0)
    {
        if (depth < 10 || (depth - 4) % 6 != 0)
        {
            throw new ArgumentException($"WRN depth must be 6n+4 (16, 22, 28, 40); got {depth}.", nameof(depth));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(widen, 1);
        (Depth, Widen) = (depth, widen);
        var n = (depth - 4) / 6;
        long[] channels = [16, 16 * widen, 32 * widen, 64 * widen];
        Conv1 = RegisterModule("conv1", new Conv2d(3, channels[0], 3, padding: 1, bias: false));
        _stages = new Module<Tensor, Tensor>[3];
        for (var s = 0; s < 3; s++)
        {
            _stages[s] = RegisterModule($"block{s + 1}", new WideStage(n, channels[s], channels[s + 1], s == 0 ? 1 : 2, dropout));
        }

        Bn1 = RegisterModule("bn1", new BatchNorm2d(channels[3]));
        CreateClassifier(channels[3], numClasses);
        foreach (var (_, module) in NamedModules())
        {
            if (module is Conv2d conv)
            {
                Init.KaimingNormal(conv.Weight, mode: FanMode.FanOut, nonlinearity: Nonlinearity.Relu);
            }
        }

        Init.Constant(Classifier.Bias!, 0);
    }

    /// <summary>Depth d.</summary>
    public int Depth { get; }

    /// <summary>Width factor k.</summary>
    public int Widen { get; }

    /// <summary>Stem convolution.</summary>
    public Conv2d Conv1 { get; }

    /// <summary>Final BatchNorm (pre-activation networks normalise once more before pooling).</summary>
    public BatchNorm2d Bn1 { get; }

    /// <inheritdoc />
    public override string ClassifierName => "fc";

    /// <inheritdoc />
    protected override (Tensor Inner, Tensor Last) ForwardFeatures(Tensor input)
    {
        var inner = _stages[1].Forward(_stages[0].Forward(Conv1.Forward(input)));
        return (inner, Bn1.Forward(_stages[2].Forward(inner)).ReluInPlace());
    }

    /// <summary>One stage: <c>layer</c> = n blocks.</summary>
    private sealed class WideStage : Module<Tensor, Tensor>
    {
        private readonly Sequential _layer;

        public WideStage(int blocks, long inPlanes, long outPlanes, int stride, double dropout)
        {
            _layer = RegisterModule("layer", new Sequential(Enumerable.Range(0, blocks).Select(i =>
                (Module<Tensor, Tensor>)new WideBasicBlock(i == 0 ? inPlanes : outPlanes, outPlanes, i == 0 ? stride : 1, dropout))));
        }

        public override Tensor Forward(Tensor input) => _layer.Forward(input);
    }
}

/// <summary>Pre-activation block of a WRN: BN–ReLU–conv3×3–BN–ReLU–(dropout)–conv3×3, plus identity or 1×1 projection.</summary>
public sealed class WideBasicBlock : Module<Tensor, Tensor>
{
    private readonly double _dropout;

    /// <summary>Creates the block.</summary>
    public WideBasicBlock(long inPlanes, long outPlanes, int stride, double dropout)
    {
        _dropout = dropout;
        Bn1 = RegisterModule("bn1", new BatchNorm2d(inPlanes));
        Conv1 = RegisterModule("conv1", new Conv2d(inPlanes, outPlanes, 3, stride, 1, bias: false));
        Bn2 = RegisterModule("bn2", new BatchNorm2d(outPlanes));
        Conv2 = RegisterModule("conv2", new Conv2d(outPlanes, outPlanes, 3, 1, 1, bias: false));
        if (inPlanes != outPlanes || stride != 1)
        {
            Shortcut = RegisterModule("convShortcut", new Conv2d(inPlanes, outPlanes, 1, stride, 0, bias: false));
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
    public override Tensor Forward(Tensor input)
    {
        using var scope = new TensorScope();   // frees the block's intermediates at once (autograd keeps what it needs)

        // The projection reads the pre-activated input, the identity the raw input (as the reference code).
        var activated = Bn1.Forward(input).ReluInPlace();
        var x = Bn2.Forward(Conv1.Forward(activated)).ReluInPlace();
        if (_dropout > 0)
        {
            x = Functional.Dropout(x, _dropout, IsTraining);
        }

        var residual = Conv2.Forward(x);
        return scope.MoveOut(residual.AddInPlace(Shortcut is null ? input : Shortcut.Forward(activated)));
    }
}
