namespace Microsoft.ML.CamLoss.Models;

/// <summary>The backbones the library builds by name (see <see cref="Backbones.Create"/>).</summary>
public enum Architecture
{
    /// <summary>CIFAR ResNet-8 (78 k parameters), option-A shortcuts: a tiny network for tests and smoke runs.</summary>
    ResNet8,

    /// <summary>CIFAR ResNet-20 (0.27 M parameters), option-A shortcuts.</summary>
    ResNet20,

    /// <summary>CIFAR ResNet-32, option-A shortcuts.</summary>
    ResNet32,

    /// <summary>CIFAR ResNet-44, option-A shortcuts.</summary>
    ResNet44,

    /// <summary>CIFAR ResNet-56 (0.85 M parameters), option-A shortcuts.</summary>
    ResNet56,

    /// <summary>CIFAR ResNet-110, option-A shortcuts.</summary>
    ResNet110,

    /// <summary>WRN-16-2.</summary>
    WideResNet16x2,

    /// <summary>WRN-16-4.</summary>
    WideResNet16x4,

    /// <summary>WRN-28-2.</summary>
    WideResNet28x2,

    /// <summary>WRN-28-4.</summary>
    WideResNet28x4,

    /// <summary>WRN-28-10.</summary>
    WideResNet28x10,

    /// <summary>ImageNet ResNet-18 (torchvision).</summary>
    ResNet18,

    /// <summary>ImageNet ResNet-34 (torchvision).</summary>
    ResNet34,

    /// <summary>ImageNet ResNet-50 (torchvision).</summary>
    ResNet50,

    /// <summary>ImageNet ResNet-101 (torchvision).</summary>
    ResNet101,

    /// <summary>ImageNet ResNet-152 (torchvision).</summary>
    ResNet152,

    /// <summary>ImageNet ResNeXt-50 32×4d (torchvision).</summary>
    ResNeXt50x32x4d,

    /// <summary>
    /// The ImageNet ResNet-18 that Microsoft ships (CNTK's, in the NuGet package
    /// <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>): torchvision's ResNet-18 layout and names with a
    /// third basic block in <c>layer4</c> (blocks [2, 2, 2, 3]; 15.9 M parameters before the head, torchvision's
    /// 11.2 M). The network that <see cref="Training.PretrainedWeights.ImageNet"/> trains; see <see cref="ImageNetWeights"/>.
    /// </summary>
    ResNet18Cntk,

    /// <summary>ImageNet-style ResNet-10: torchvision's ResNet with one basic block per stage (4.9 M parameters), the smallest backbone of Chen et al.'s few-shot study.</summary>
    ResNet10,
}

/// <summary>Creates backbones by <see cref="Architecture"/>.</summary>
public static class Backbones
{
    /// <summary>A new, randomly initialised backbone with a head for <paramref name="numClasses"/> classes.</summary>
    /// <param name="architecture">Which network.</param>
    /// <param name="numClasses">Classes of the head.</param>
    /// <param name="dropout">Dropout inside Wide-ResNet blocks (ignored by the others); default 0.</param>
    public static Backbone Create(Architecture architecture, int numClasses, double dropout = 0) => architecture switch
    {
        Architecture.ResNet8 => new CifarResNet(8, numClasses),
        Architecture.ResNet20 => new CifarResNet(20, numClasses),
        Architecture.ResNet32 => new CifarResNet(32, numClasses),
        Architecture.ResNet44 => new CifarResNet(44, numClasses),
        Architecture.ResNet56 => new CifarResNet(56, numClasses),
        Architecture.ResNet110 => new CifarResNet(110, numClasses),
        Architecture.WideResNet16x2 => new WideResNet(16, 2, numClasses, dropout),
        Architecture.WideResNet16x4 => new WideResNet(16, 4, numClasses, dropout),
        Architecture.WideResNet28x2 => new WideResNet(28, 2, numClasses, dropout),
        Architecture.WideResNet28x4 => new WideResNet(28, 4, numClasses, dropout),
        Architecture.WideResNet28x10 => new WideResNet(28, 10, numClasses, dropout),
        Architecture.ResNet18 => new ImageNetResNet([2, 2, 2, 2], bottleneck: false, numClasses),
        Architecture.ResNet34 => new ImageNetResNet([3, 4, 6, 3], bottleneck: false, numClasses),
        Architecture.ResNet50 => new ImageNetResNet([3, 4, 6, 3], bottleneck: true, numClasses),
        Architecture.ResNet101 => new ImageNetResNet([3, 4, 23, 3], bottleneck: true, numClasses),
        Architecture.ResNet152 => new ImageNetResNet([3, 8, 36, 3], bottleneck: true, numClasses),
        Architecture.ResNeXt50x32x4d => new ImageNetResNet([3, 4, 6, 3], bottleneck: true, numClasses, groups: 32, widthPerGroup: 4),
        Architecture.ResNet18Cntk => new ImageNetResNet([2, 2, 2, 3], bottleneck: false, numClasses),
        Architecture.ResNet10 => new ImageNetResNet([1, 1, 1, 1], bottleneck: false, numClasses),
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "Unknown architecture."),
    };
}
