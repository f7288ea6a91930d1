using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Benchmarks.Plain;

/// <summary>
/// The CIFAR ResNet (depth 6n+2, option-A shortcuts) written as a TorchSharp user would, line for line
/// as the twins' <c>cifar_resnet.py</c>: modules in fields registered by TorchSharp's reflection, the
/// functional ReLU, no dispose scopes inside the forward pass (the training loop's per-step scope frees
/// the temporaries). It is the engine-only reference our <c>CifarResNet</c> is measured against.
/// </summary>
internal sealed class PlainCifarResNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv1;
    private readonly BatchNorm2d _bn1;
    private readonly Sequential _layer1;
    private readonly Sequential _layer2;
    private readonly Sequential _layer3;
    private readonly Linear _linear;

    public PlainCifarResNet(int depth, int classes = 10)
        : base(nameof(PlainCifarResNet))
    {
        var n = (depth - 2) / 6;
        _conv1 = nn.Conv2d(3, 16, 3, stride: 1, padding: 1, bias: false);
        _bn1 = nn.BatchNorm2d(16);
        var planes = 16L;
        var layers = new Sequential[3];
        for (var i = 0; i < 3; i++)
        {
            var width = 16L << i;
            var blocks = new List<nn.Module<Tensor, Tensor>>();
            for (var j = 0; j < n; j++)
            {
                blocks.Add(new Block(planes, width, i > 0 && j == 0 ? 2 : 1));
                planes = width;
            }

            layers[i] = nn.Sequential(blocks);
        }

        (_layer1, _layer2, _layer3) = (layers[0], layers[1], layers[2]);
        _linear = nn.Linear(64, classes);
        RegisterComponents();
    }

    /// <summary>The head, whose weight CAM-loss reads.</summary>
    public Linear Head => _linear;

    public override Tensor forward(Tensor x) => Taps(x).Logits;

    /// <summary>The logits and the outputs of stages 2 (<c>inner</c>) and 3 (<c>last</c>), as the twin's forward hooks read them.</summary>
    public (Tensor Logits, Tensor Inner, Tensor Last) Taps(Tensor x)
    {
        var stem = nn.functional.relu(_bn1.forward(_conv1.forward(x)));
        var inner = _layer2.forward(_layer1.forward(stem));
        var last = _layer3.forward(inner);
        return (_linear.forward(nn.functional.adaptive_avg_pool2d(last, 1).flatten(1)), inner, last);
    }

    /// <summary>conv3×3–BN–ReLU–conv3×3–BN plus shortcut, then ReLU.</summary>
    private sealed class Block : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d _conv1;
        private readonly BatchNorm2d _bn1;
        private readonly Conv2d _conv2;
        private readonly BatchNorm2d _bn2;
        private readonly long _pad;

        public Block(long inPlanes, long planes, int stride)
            : base(nameof(Block))
        {
            _conv1 = nn.Conv2d(inPlanes, planes, 3, stride: stride, padding: 1, bias: false);
            _bn1 = nn.BatchNorm2d(planes);
            _conv2 = nn.Conv2d(planes, planes, 3, stride: 1, padding: 1, bias: false);
            _bn2 = nn.BatchNorm2d(planes);
            _pad = stride != 1 || inPlanes != planes ? planes / 4 : 0;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var output = nn.functional.relu(_bn1.forward(_conv1.forward(x)));
            return nn.functional.relu(_bn2.forward(_conv2.forward(output)) + Shortcut(x));
        }

        /// <summary>Option A: every second pixel, channels zero-padded by planes/4 on each side; identity otherwise.</summary>
        private Tensor Shortcut(Tensor x) =>
            _pad == 0 ? x : nn.functional.pad(x.slice(2, 0, x.shape[2], 2).slice(3, 0, x.shape[3], 2), [0, 0, 0, 0, _pad, _pad]);
    }
}
