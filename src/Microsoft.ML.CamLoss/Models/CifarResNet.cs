using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Models;

/// <summary>Shortcut of a CIFAR ResNet block whose shape changes (He et al. 2016, Sec. 4.2).</summary>
public enum ShortcutKind
{
    /// <summary>Option A: parameter-free — stride-2 subsampling plus zero-padded channels (the paper's CIFAR choice and the published checkpoints').</summary>
    A,

    /// <summary>Option B: a 1×1 convolution with stride and BatchNorm (projection).</summary>
    B,
}

/// <summary>
/// The CIFAR ResNet of He et al. (2016): depth <c>6n+2</c> (20, 32, 44, 56, 110), three stages of
/// n basic blocks with 16, 32 and 64 channels on 32×32 inputs. Parameter names match the widely
/// used PyTorch implementation (Idelbayev), so its checkpoints (<c>conv1</c>, <c>bn1</c>,
/// <c>layer1.0.conv1</c> …, <c>linear</c>) load unchanged. Taps: <c>last</c> = stage 3 (64 × 8 × 8),
/// <c>inner</c> = stage 2 (32 × 16 × 16). Weights: Kaiming normal (fan-in), as that implementation.
/// </summary>
public sealed class CifarResNet : Backbone
{
    private readonly Sequential[] _stages;

    /// <summary>Creates the network.</summary>
    /// <param name="depth">6n+2: 20, 32, 44, 56, 110, …</param>
    /// <param name="numClasses">Classes of the head; default 10.</param>
    /// <param name="shortcut">Shortcut for blocks that change shape; default option A.</param>
    public CifarResNet(int depth, int numClasses = 10, ShortcutKind shortcut = ShortcutKind.A)
    {
        if (depth < 8 || (depth - 2) % 6 != 0)
        {
            throw new ArgumentException($"CIFAR ResNet depth must be 6n+2 (20, 32, 44, 56, 110); got {depth}.", nameof(depth));
        }

        Depth = depth;
        var n = (depth - 2) / 6;
        Conv1 = RegisterModule("conv1", new Conv2d(3, 16, 3, padding: 1, bias: false));
        Bn1 = RegisterModule("bn1", new BatchNorm2d(16));
        long inPlanes = 16;
        _stages = new Sequential[3];
        for (var s = 0; s < 3; s++)
        {
            var planes = 16L << s;
            var blocks = new List<Module<Tensor, Tensor>>();
            for (var b = 0; b < n; b++)
            {
                blocks.Add(new CifarBasicBlock(inPlanes, planes, s > 0 && b == 0 ? 2 : 1, shortcut));
                inPlanes = planes;
            }

            _stages[s] = RegisterModule($"layer{s + 1}", new Sequential(blocks));
        }

        CreateClassifier(64, numClasses);
        foreach (var (_, module) in NamedModules())
        {
            if (module is Conv2d conv)
            {
                Init.KaimingNormal(conv.Weight);
            }
            else if (module is Linear linear)
            {
                Init.KaimingNormal(linear.Weight);
            }
        }
    }

    /// <summary>Network depth (6n+2).</summary>
    public int Depth { get; }

    /// <summary>Stem convolution.</summary>
    public Conv2d Conv1 { get; }

    /// <summary>Stem BatchNorm.</summary>
    public BatchNorm2d Bn1 { get; }

    /// <inheritdoc />
    public override string ClassifierName => "linear";

    /// <inheritdoc />
    protected override (Tensor Inner, Tensor Last) ForwardFeatures(Tensor input)
    {
        Tensor x;
        using (var stem = new TensorScope())
        {
            x = stem.MoveOut(Bn1.Forward(Conv1.Forward(input)).ReluInPlace());
        }

        var inner = _stages[1].Forward(_stages[0].Forward(x));
        return (inner, _stages[2].Forward(inner));
    }
}

/// <summary>Basic block of a CIFAR ResNet: conv3×3–BN–ReLU–conv3×3–BN, plus shortcut, then ReLU.</summary>
public sealed class CifarBasicBlock : Module<Tensor, Tensor>
{
    private readonly long _padChannels;
    private readonly Sequential? _projection;

    /// <summary>Creates the block.</summary>
    public CifarBasicBlock(long inPlanes, long planes, int stride, ShortcutKind shortcut)
    {
        Conv1 = RegisterModule("conv1", new Conv2d(inPlanes, planes, 3, stride, 1, bias: false));
        Bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
        Conv2 = RegisterModule("conv2", new Conv2d(planes, planes, 3, 1, 1, bias: false));
        Bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        if (stride != 1 || inPlanes != planes)
        {
            if (shortcut == ShortcutKind.A)
            {
                if (stride != 2 || planes != 2 * inPlanes)
                {
                    throw new ArgumentException("Option-A shortcuts need stride 2 and doubled channels.");
                }

                _padChannels = planes / 4;
            }
            else
            {
                _projection = RegisterModule("shortcut", new Sequential(new Conv2d(inPlanes, planes, 1, stride, bias: false), new BatchNorm2d(planes)));
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
    public override Tensor Forward(Tensor input)
    {
        using var scope = new TensorScope();   // frees the block's intermediates at once (autograd keeps what it needs)
        var residual = Sequential.Chain(input, Conv1.Forward, Bn1.Forward, Relu, Conv2.Forward, Bn2.Forward);
        var shortcut = _projection?.Forward(input)
            ?? (_padChannels > 0 ? ShortcutA(input) : input);
        return scope.MoveOut(residual.AddInPlace(shortcut).ReluInPlace());
    }

    private static Tensor Relu(Tensor x) => x.ReluInPlace();

    /// <summary>Option A: every second pixel, channels zero-padded by planes/4 on each side.</summary>
    private Tensor ShortcutA(Tensor x)
    {
        var subsampled = x.Slice(2, 0, long.MaxValue, 2).Slice(3, 0, long.MaxValue, 2);
        return Functional.Pad(subsampled, [0, 0, 0, 0, _padChannels, _padChannels]);
    }
}
