using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Models;

/// <summary>
/// torchvision's ImageNet ResNet family — ResNet-18/34 (basic blocks), ResNet-50/101/152
/// (bottlenecks) and ResNeXt-50 32×4d (grouped bottlenecks) — with torchvision's exact parameter
/// names (<c>conv1</c>, <c>bn1</c>, <c>layer1.0.conv1</c>, <c>layer1.0.downsample.0</c>, …, <c>fc</c>), so a
/// torchvision state dict loads unchanged. Initialisation as torchvision (convolutions Kaiming
/// normal, fan-out, ReLU; BatchNorm 1/0; the head PyTorch's default), drawn in the same order.
/// Taps: <c>last</c> = <c>layer4</c> output, <c>inner</c> = <c>layer3</c> output.
/// </summary>
public sealed partial class ImageNetResNet : Backbone
{
    private readonly Sequential[] _stages = new Sequential[4];

    /// <summary>Creates the network.</summary>
    /// <param name="blocksPerStage">Blocks in layer1…layer4, e.g. [2, 2, 2, 2] for ResNet-18.</param>
    /// <param name="bottleneck">Bottleneck blocks (expansion 4) instead of basic blocks.</param>
    /// <param name="numClasses">Classes of the head; default 1000 (ImageNet).</param>
    /// <param name="groups">Convolution groups in bottlenecks (32 for ResNeXt-50 32×4d).</param>
    /// <param name="widthPerGroup">Channels per group in bottlenecks (4 for ResNeXt-50 32×4d).</param>
    /// <exception cref="ArgumentException"><paramref name="blocksPerStage"/> does not have four entries.</exception>
    public ImageNetResNet(IReadOnlyList<int> blocksPerStage, bool bottleneck, int numClasses = 1000, int groups = 1, int widthPerGroup = 64)
        : base(nameof(ImageNetResNet))
    {
        ArgumentNullException.ThrowIfNull(blocksPerStage);
        if (blocksPerStage.Count != 4 || blocksPerStage.Any(n => n < 1))
        {
            throw new ArgumentException("An ImageNet ResNet has four stages of at least one block each.", nameof(blocksPerStage));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(widthPerGroup, 1);
        Conv1 = nn.Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false);
        register_module("conv1", Conv1);
        Bn1 = nn.BatchNorm2d(64);
        register_module("bn1", Bn1);
        var expansion = bottleneck ? 4 : 1;
        long inPlanes = 64;
        for (var s = 0; s < 4; s++)
        {
            var planes = 64L << s;
            var stride = s == 0 ? 1 : 2;
            var blocks = new List<nn.Module<Tensor, Tensor>>();
            for (var b = 0; b < blocksPerStage[s]; b++)
            {
                // As torchvision: the downsample branch is created (and initialised by default) before its block.
                var downsample = b == 0 && (stride != 1 || inPlanes != planes * expansion)
                    ? nn.Sequential(nn.Conv2d(inPlanes, planes * expansion, 1, stride: stride, bias: false), nn.BatchNorm2d(planes * expansion))
                    : null;
                blocks.Add(bottleneck
                    ? new Bottleneck(inPlanes, planes, b == 0 ? stride : 1, downsample, groups, widthPerGroup)
                    : new BasicBlock(inPlanes, planes, b == 0 ? stride : 1, downsample));
                inPlanes = planes * expansion;
            }

            _stages[s] = nn.Sequential(blocks);
            register_module($"layer{s + 1}", _stages[s]);
        }

        CreateClassifier(512 * expansion, numClasses);
        foreach (var (_, module) in ModuleTree.DepthFirst(this))
        {
            if (module is Conv2d conv)
            {
                nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
            }
        }
    }

    /// <summary>Stem 7×7 stride-2 convolution.</summary>
    public Conv2d Conv1 { get; }

    /// <summary>Stem BatchNorm.</summary>
    public BatchNorm2d Bn1 { get; }

    /// <inheritdoc />
    public override string ClassifierName => "fc";

    /// <inheritdoc />
    protected override Conv2d StemConvolution => Conv1;

    /// <inheritdoc />
    /// <remarks>5: the stem convolution, the max pool, and layer2 to layer4 have stride 2.</remarks>
    protected override int Halvings => 5;

    /// <inheritdoc />
    protected override (Tensor Inner, Tensor Last) ForwardFeatures(Tensor input)
    {
        Tensor x;
        using (var stem = torch.NewDisposeScope())
        {
            var activated = Bn1.forward(Conv1.ForwardMixed(input)).relu_();
            x = stem.MoveToOuter(nn.functional.max_pool2d(activated, kernel_size: 3, stride: 2, padding: 1));
        }

        var inner = MixedPrecision.Tap(_stages[2].forward(_stages[1].forward(_stages[0].forward(x))));
        return (inner, _stages[3].forward(inner));
    }
}
