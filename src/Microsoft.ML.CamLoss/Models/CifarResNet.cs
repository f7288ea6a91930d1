using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Models;

/// <summary>
/// The CIFAR ResNet of He et al. (2016): depth <c>6n+2</c> (20, 32, 44, 56, 110), three stages of
/// n basic blocks with 16, 32 and 64 channels on 32×32 inputs. Parameter names match the widely
/// used PyTorch implementation (Idelbayev), so its checkpoints (<c>conv1</c>, <c>bn1</c>,
/// <c>layer1.0.conv1</c> …, <c>linear</c>) load unchanged. Taps: <c>last</c> = stage 3 (64 × 8 × 8),
/// <c>inner</c> = stage 2 (32 × 16 × 16). Weights: Kaiming normal (fan-in, gain √2) for every
/// convolution and the head's weight, as that implementation; BatchNorm 1/0; head bias PyTorch's default.
/// </summary>
public sealed class CifarResNet : Backbone
{
    private readonly Sequential[] _stages;

    /// <summary>Creates the network.</summary>
    /// <param name="depth">6n+2: 20, 32, 44, 56, 110, … (8 for a tiny test network).</param>
    /// <param name="numClasses">Classes of the head; default 10.</param>
    /// <param name="shortcut">Shortcut for blocks that change shape; default option A.</param>
    /// <exception cref="ArgumentException"><paramref name="depth"/> is not 6n+2.</exception>
    public CifarResNet(int depth, int numClasses = 10, ShortcutKind shortcut = ShortcutKind.A)
        : base(nameof(CifarResNet))
    {
        if (depth < 8 || (depth - 2) % 6 != 0)
        {
            throw new ArgumentException($"CIFAR ResNet depth must be 6n+2 (20, 32, 44, 56, 110); got {depth}.", nameof(depth));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        Depth = depth;
        var n = (depth - 2) / 6;
        Conv1 = nn.Conv2d(3, 16, 3, padding: 1, bias: false);
        register_module("conv1", Conv1);
        Bn1 = nn.BatchNorm2d(16);
        register_module("bn1", Bn1);
        long inPlanes = 16;
        _stages = new Sequential[3];
        for (var s = 0; s < 3; s++)
        {
            var planes = 16L << s;
            var blocks = new List<nn.Module<Tensor, Tensor>>();
            for (var b = 0; b < n; b++)
            {
                blocks.Add(new CifarBasicBlock(inPlanes, planes, s > 0 && b == 0 ? 2 : 1, shortcut));
                inPlanes = planes;
            }

            _stages[s] = nn.Sequential(blocks);
            register_module($"layer{s + 1}", _stages[s]);
        }

        CreateClassifier(64, numClasses);
        foreach (var (_, module) in ModuleTree.DepthFirst(this))
        {
            switch (module)
            {
                case Conv2d conv:
                    nn.init.kaiming_normal_(conv.weight);
                    break;
                case Linear linear:
                    nn.init.kaiming_normal_(linear.weight);
                    break;
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
    protected override Conv2d StemConvolution => Conv1;

    /// <inheritdoc />
    /// <remarks>2: stage 2 and stage 3 start with stride 2.</remarks>
    protected override int Halvings => 2;

    /// <inheritdoc />
    protected override (Tensor Inner, Tensor Last) ForwardFeatures(Tensor input)
    {
        Tensor x;
        using (var stem = torch.NewDisposeScope())
        {
            x = stem.MoveToOuter(Bn1.forward(Conv1.ForwardMixed(input)).relu_());
        }

        var inner = MixedPrecision.Tap(_stages[1].forward(_stages[0].forward(x)));
        return (inner, _stages[2].forward(inner));
    }
}
