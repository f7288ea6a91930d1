using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Models;

/// <summary>
/// Wide residual network WRN-d-k (Zagoruyko &amp; Komodakis 2016) for 32×32 inputs: pre-activation
/// basic blocks in three stages of <c>(d − 4)/6</c> blocks with 16k, 32k and 64k channels, optional
/// dropout between the convolutions. Names follow the common PyTorch implementation
/// (<c>conv1</c>, <c>block1.layer.0.bn1</c> …, <c>bn1</c>, <c>fc</c>). Taps: <c>last</c> = ReLU(BN(stage 3))
/// (64k × 8 × 8), <c>inner</c> = stage 2 output (32k × 16 × 16). Weights: Kaiming normal (fan-out, ReLU),
/// BatchNorm 1/0, head weight PyTorch's default and bias 0.
/// </summary>
public sealed class WideResNet : Backbone
{
    private readonly WideStage[] _stages;

    /// <summary>Creates WRN-<paramref name="depth"/>-<paramref name="widen"/>.</summary>
    /// <param name="depth">6n+4: 16, 22, 28, 40, …</param>
    /// <param name="widen">Width factor k: 1, 2, 4, 8, 10, …</param>
    /// <param name="numClasses">Classes of the head; default 10.</param>
    /// <param name="dropout">Dropout probability inside each block, in [0, 1]; default 0.</param>
    /// <exception cref="ArgumentException"><paramref name="depth"/> is not 6n+4.</exception>
    public WideResNet(int depth, int widen, int numClasses = 10, double dropout = 0)
        : base(nameof(WideResNet))
    {
        if (depth < 10 || (depth - 4) % 6 != 0)
        {
            throw new ArgumentException($"WRN depth must be 6n+4 (16, 22, 28, 40); got {depth}.", nameof(depth));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(widen, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        if (!(dropout >= 0 && dropout <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "dropout must be in [0, 1].");
        }

        (Depth, Widen) = (depth, widen);
        var n = (depth - 4) / 6;
        long[] channels = [16, 16 * widen, 32 * widen, 64 * widen];
        Conv1 = nn.Conv2d(3, channels[0], 3, padding: 1, bias: false);
        register_module("conv1", Conv1);
        _stages = new WideStage[3];
        for (var s = 0; s < 3; s++)
        {
            _stages[s] = new WideStage(n, channels[s], channels[s + 1], s == 0 ? 1 : 2, dropout);
            register_module($"block{s + 1}", _stages[s]);
        }

        Bn1 = nn.BatchNorm2d(channels[3]);
        register_module("bn1", Bn1);
        CreateClassifier(channels[3], numClasses);
        foreach (var (_, module) in ModuleTree.DepthFirst(this))
        {
            if (module is Conv2d conv)
            {
                nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
            }
        }

        nn.init.zeros_(Classifier.bias!);
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
    protected override Conv2d StemConvolution => Conv1;

    /// <inheritdoc />
    /// <remarks>2: block2 and block3 start with stride 2.</remarks>
    protected override int Halvings => 2;

    /// <inheritdoc />
    protected override (Tensor Inner, Tensor Last) ForwardFeatures(Tensor input)
    {
        var inner = MixedPrecision.Tap(_stages[1].forward(_stages[0].forward(Conv1.ForwardMixed(input))));
        return (inner, Bn1.forward(_stages[2].forward(inner)).relu_());
    }

    /// <summary>One stage: child <c>layer</c> = n blocks.</summary>
    private sealed class WideStage : nn.Module<Tensor, Tensor>
    {
        private readonly Sequential _layer;

        public WideStage(int blocks, long inPlanes, long outPlanes, int stride, double dropout)
            : base(nameof(WideStage))
        {
            _layer = nn.Sequential(Enumerable.Range(0, blocks).Select(i =>
                (nn.Module<Tensor, Tensor>)new WideBasicBlock(i == 0 ? inPlanes : outPlanes, outPlanes, i == 0 ? stride : 1, dropout)));
            register_module("layer", _layer);
        }

        public override Tensor forward(Tensor input) => _layer.forward(input);

        protected override void RegisterComponents()
        {
        }
    }
}
