using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Models;

public sealed partial class ImageNetResNet
{
    /// <summary>torchvision's BasicBlock: conv3×3–BN–ReLU–conv3×3–BN, plus identity or <c>downsample</c>, then ReLU.</summary>
    private sealed class BasicBlock : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d _conv1;
        private readonly BatchNorm2d _bn1;
        private readonly Conv2d _conv2;
        private readonly BatchNorm2d _bn2;
        private readonly Sequential? _downsample;

        public BasicBlock(long inPlanes, long planes, int stride, Sequential? downsample)
            : base(nameof(BasicBlock))
        {
            _conv1 = nn.Conv2d(inPlanes, planes, 3, stride: stride, padding: 1, bias: false);
            register_module("conv1", _conv1);
            _bn1 = nn.BatchNorm2d(planes);
            register_module("bn1", _bn1);
            _conv2 = nn.Conv2d(planes, planes, 3, stride: 1, padding: 1, bias: false);
            register_module("conv2", _conv2);
            _bn2 = nn.BatchNorm2d(planes);
            register_module("bn2", _bn2);
            if (downsample is not null)
            {
                _downsample = downsample;
                register_module("downsample", downsample);
            }
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = torch.NewDisposeScope();
            var x = _bn2.forward(_conv2.ForwardMixed(_bn1.forward(_conv1.ForwardMixed(input)).relu_()));
            return x.add_(_downsample?.ForwardMixed(input) ?? input).relu_().MoveToOuterDisposeScope();
        }

        protected override void RegisterComponents()
        {
        }
    }

    /// <summary>torchvision's Bottleneck (stride on the 3×3): 1×1–BN–ReLU–3×3(groups)–BN–ReLU–1×1–BN, plus shortcut, then ReLU.</summary>
    private sealed class Bottleneck : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d _conv1;
        private readonly BatchNorm2d _bn1;
        private readonly Conv2d _conv2;
        private readonly BatchNorm2d _bn2;
        private readonly Conv2d _conv3;
        private readonly BatchNorm2d _bn3;
        private readonly Sequential? _downsample;

        public Bottleneck(long inPlanes, long planes, int stride, Sequential? downsample, int groups, int widthPerGroup)
            : base(nameof(Bottleneck))
        {
            var width = (long)(planes * (widthPerGroup / 64.0)) * groups;
            _conv1 = nn.Conv2d(inPlanes, width, 1, bias: false);
            register_module("conv1", _conv1);
            _bn1 = nn.BatchNorm2d(width);
            register_module("bn1", _bn1);
            _conv2 = nn.Conv2d(width, width, 3, stride: stride, padding: 1, groups: groups, bias: false);
            register_module("conv2", _conv2);
            _bn2 = nn.BatchNorm2d(width);
            register_module("bn2", _bn2);
            _conv3 = nn.Conv2d(width, planes * 4, 1, bias: false);
            register_module("conv3", _conv3);
            _bn3 = nn.BatchNorm2d(planes * 4);
            register_module("bn3", _bn3);
            if (downsample is not null)
            {
                _downsample = downsample;
                register_module("downsample", downsample);
            }
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = torch.NewDisposeScope();
            var x = _bn1.forward(_conv1.ForwardMixed(input)).relu_();
            x = _bn2.forward(_conv2.ForwardMixed(x)).relu_();
            x = _bn3.forward(_conv3.ForwardMixed(x));
            return x.add_(_downsample?.ForwardMixed(input) ?? input).relu_().MoveToOuterDisposeScope();
        }

        protected override void RegisterComponents()
        {
        }
    }
}
