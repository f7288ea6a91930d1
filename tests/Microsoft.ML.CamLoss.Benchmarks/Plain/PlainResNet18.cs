using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Benchmarks.Plain;

/// <summary>
/// torchvision's ResNet-18 written as a TorchSharp user would (as torchvision's <c>resnet.py</c>: 7×7
/// stem, max pool, four stages of two basic blocks, 1×1 projection shortcuts, in-place ReLU and
/// residual addition, Kaiming-normal fan-out convolutions), with modules in fields registered by
/// TorchSharp's reflection and no dispose scopes inside the forward pass (the training loop's per-step
/// scope frees the temporaries). It is the engine-only reference our <c>ImageNetResNet</c> is measured against.
/// </summary>
internal sealed class PlainResNet18 : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv1;
    private readonly BatchNorm2d _bn1;
    private readonly Sequential _layer1;
    private readonly Sequential _layer2;
    private readonly Sequential _layer3;
    private readonly Sequential _layer4;
    private readonly Linear _fc;

    public PlainResNet18(int classes = 1000)
        : base(nameof(PlainResNet18))
    {
        _conv1 = nn.Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false);
        _bn1 = nn.BatchNorm2d(64);
        _layer1 = Stage(64, 64, stride: 1);
        _layer2 = Stage(64, 128, stride: 2);
        _layer3 = Stage(128, 256, stride: 2);
        _layer4 = Stage(256, 512, stride: 2);
        _fc = nn.Linear(512, classes);
        RegisterComponents();
        foreach (var module in modules())
        {
            if (module is Conv2d conv)
            {
                nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
            }
        }
    }

    public override Tensor forward(Tensor x)
    {
        var stem = nn.functional.max_pool2d(_bn1.forward(_conv1.forward(x)).relu_(), 3, stride: 2, padding: 1);
        var features = _layer4.forward(_layer3.forward(_layer2.forward(_layer1.forward(stem))));
        return _fc.forward(nn.functional.adaptive_avg_pool2d(features, 1).flatten(1));
    }

    private static Sequential Stage(long inPlanes, long planes, int stride) =>
        nn.Sequential(new BasicBlock(inPlanes, planes, stride), new BasicBlock(planes, planes, 1));

    /// <summary>conv3×3–BN–ReLU–conv3×3–BN plus the (projected) input, then ReLU.</summary>
    private sealed class BasicBlock : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d _conv1;
        private readonly BatchNorm2d _bn1;
        private readonly Conv2d _conv2;
        private readonly BatchNorm2d _bn2;
        private readonly Sequential? _downsample;

        public BasicBlock(long inPlanes, long planes, int stride)
            : base(nameof(BasicBlock))
        {
            _conv1 = nn.Conv2d(inPlanes, planes, 3, stride: stride, padding: 1, bias: false);
            _bn1 = nn.BatchNorm2d(planes);
            _conv2 = nn.Conv2d(planes, planes, 3, stride: 1, padding: 1, bias: false);
            _bn2 = nn.BatchNorm2d(planes);
            _downsample = stride != 1 || inPlanes != planes
                ? nn.Sequential(nn.Conv2d(inPlanes, planes, 1, stride: stride, bias: false), nn.BatchNorm2d(planes))
                : null;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var output = _bn2.forward(_conv2.forward(_bn1.forward(_conv1.forward(x)).relu_()));
            return output.add_(_downsample?.forward(x) ?? x).relu_();
        }
    }
}
