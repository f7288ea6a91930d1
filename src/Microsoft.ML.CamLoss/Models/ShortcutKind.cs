namespace Microsoft.ML.CamLoss.Models;

/// <summary>Shortcut of a CIFAR ResNet block whose shape changes (He et al. 2016, Sec. 4.2).</summary>
public enum ShortcutKind
{
    /// <summary>Option A: parameter-free — stride-2 subsampling plus zero-padded channels (the paper's CIFAR choice and the published checkpoints').</summary>
    A,

    /// <summary>Option B: a 1×1 convolution with stride and BatchNorm (projection).</summary>
    B,
}
