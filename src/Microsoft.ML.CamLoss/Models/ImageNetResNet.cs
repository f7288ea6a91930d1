using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Models;

/// <summary>
/// torchvision's ImageNet ResNet family — ResNet-18/34 (basic blocks), ResNet-50/101/152
/// (bottlenecks) and ResNeXt-50 32×4d (grouped bottlenecks) — with torchvision's exact parameter
/// names (<c>conv1</c>, <c>bn1</c>, <c>layer1.0.conv1</c>, <c>layer1.0.downsample.0</c>, …, <c>fc</c>), so a
/// torchvision state dict loads unchanged. Initialisation as torchvision (convolutions Kaiming
/// normal, fan-out, ReLU; BatchNorm 1/0), drawn in the same order, so the same seed gives the same
/// weights. Taps: <c>last</c> = <c>layer4</c> output, <c>inner</c> = <c>layer3</c> output.
/// </summary>
public sealed class ImageNetResNet : Backbone
{
    private readonly Sequential[] _stages = new Sequential[4];

    /// <summary>Creates the network.</summary>
    /// <param name="blocksPerStage">Blocks in layer1…layer4, e.g. [2, 2, 2, 2] for ResNet-18.</param>
    /// <param name="bottleneck">Bottleneck blocks (expansion 4) instead of basic blocks.</param>
    /// <param name="numClasses">Classes of the head; default 1000 (ImageNet).</param>
    /// <param name="groups">Convolution groups in bottlenecks (32 for ResNeXt-50 32×4d).</param>
    /// <param name="widthPerGroup">Channels per group in bottlenecks (4 for ResNeXt-50 32×4d).</param>
    public ImageNetResNet(IReadOnlyList<int> blocksPerStage, bool bottleneck, int numClasses = 1000, int groups = 1, int widthPerGroup = 64)
    {
        ArgumentNullException.ThrowIfNull(blocksPerStage);
        if (blocksPerStage.Count != 4)
        {
            throw new ArgumentException("An ImageNet ResNet has four stages.", nameof(blocksPerStage));
        }

        Conv1 = RegisterModule("conv1", new Conv2d(3, 64, 7, 2, 3, bias: false));
        Bn1 = RegisterModule("bn1", new BatchNorm2d(64));
        var expansion = bottleneck ? 4 : 1;
        long inPlanes = 64;
        for (var s = 0; s < 4; s++)
        {
            var planes = 64L << s;
            var stride = s == 0 ? 1 : 2;
            var blocks = new List<Module<Tensor, Tensor>>();
            for (var b = 0; b < blocksPerStage[s]; b++)
            {
                // As torchvision: the downsample branch is created before its block.
                var downsample = b == 0 && (stride != 1 || inPlanes != planes * expansion)
                    ? new Sequential(new Conv2d(inPlanes, planes * expansion, 1, stride, bias: false), new BatchNorm2d(planes * expansion))
                    : null;
                blocks.Add(bottleneck
                    ? new Bottleneck(inPlanes, planes, b == 0 ? stride : 1, downsample, groups, widthPerGroup)
                    : new BasicBlock(inPlanes, planes, b == 0 ? stride : 1, downsample));
                inPlanes = planes * expansion;
            }

            _stages[s] = RegisterModule($"layer{s + 1}", new Sequential(blocks));
        }

        CreateClassifier(512 * expansion, numClasses);
        foreach (var (_, module) in NamedModules())
        {
            if (module is Conv2d conv)
            {
                Init.KaimingNormal(conv.Weight, mode: FanMode.FanOut, nonlinearity: Nonlinearity.Relu);
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
    protected override (Tensor Inner, Tensor Last) ForwardFeatures(Tensor input)
    {
        Tensor x;
        using (var stem = new TensorScope())
        {
            x = stem.MoveOut(Functional.MaxPool2d(Bn1.Forward(Conv1.Forward(input)).ReluInPlace(), 3, 2, 1));
        }

        var inner = _stages[2].Forward(_stages[1].Forward(_stages[0].Forward(x)));
        return (inner, _stages[3].Forward(inner));
    }

    private static Tensor Relu(Tensor x) => x.ReluInPlace();

    /// <summary>torchvision's BasicBlock: conv3×3–BN–ReLU–conv3×3–BN, plus identity or <c>downsample</c>, then ReLU.</summary>
    private sealed class BasicBlock : Module<Tensor, Tensor>
    {
        private readonly Conv2d _conv1;
        private readonly BatchNorm2d _bn1;
        private readonly Conv2d _conv2;
        private readonly BatchNorm2d _bn2;
        private readonly Sequential? _downsample;

        public BasicBlock(long inPlanes, long planes, int stride, Sequential? downsample)
        {
            _conv1 = RegisterModule("conv1", new Conv2d(inPlanes, planes, 3, stride, 1, bias: false));
            _bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
            _conv2 = RegisterModule("conv2", new Conv2d(planes, planes, 3, 1, 1, bias: false));
            _bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
            _downsample = downsample is null ? null : RegisterModule("downsample", downsample);
        }

        public override Tensor Forward(Tensor input)
        {
            using var scope = new TensorScope();
            var x = Sequential.Chain(input, _conv1.Forward, _bn1.Forward, Relu, _conv2.Forward, _bn2.Forward);
            return scope.MoveOut(x.AddInPlace(_downsample?.Forward(input) ?? input).ReluInPlace());
        }
    }

    /// <summary>torchvision's Bottleneck (stride on the 3×3): 1×1–BN–ReLU–3×3(groups)–BN–ReLU–1×1–BN, plus shortcut, then ReLU.</summary>
    private sealed class Bottleneck : Module<Tensor, Tensor>
    {
        private readonly Conv2d _conv1;
        private readonly BatchNorm2d _bn1;
        private readonly Conv2d _conv2;
        private readonly BatchNorm2d _bn2;
        private readonly Conv2d _conv3;
        private readonly BatchNorm2d _bn3;
        private readonly Sequential? _downsample;

        public Bottleneck(long inPlanes, long planes, int stride, Sequential? downsample, int groups, int widthPerGroup)
        {
            var width = (long)(planes * (widthPerGroup / 64.0)) * groups;
            _conv1 = RegisterModule("conv1", new Conv2d(inPlanes, width, 1, bias: false));
            _bn1 = RegisterModule("bn1", new BatchNorm2d(width));
            _conv2 = RegisterModule("conv2", new Conv2d(width, width, 3, stride, 1, groups: groups, bias: false));
            _bn2 = RegisterModule("bn2", new BatchNorm2d(width));
            _conv3 = RegisterModule("conv3", new Conv2d(width, planes * 4, 1, bias: false));
            _bn3 = RegisterModule("bn3", new BatchNorm2d(planes * 4));
            _downsample = downsample is null ? null : RegisterModule("downsample", downsample);
        }

        public override Tensor Forward(Tensor input)
        {
            using var scope = new TensorScope();
            var x = Sequential.Chain(input, _conv1.Forward, _bn1.Forward, Relu, _conv2.Forward, _bn2.Forward, Relu, _conv3.Forward, _bn3.Forward);
            return scope.MoveOut(x.AddInPlace(_downsample?.Forward(input) ?? input).ReluInPlace());
        }
    }
}
