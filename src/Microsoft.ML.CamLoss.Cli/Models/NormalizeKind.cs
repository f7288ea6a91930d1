namespace Microsoft.ML.CamLoss.Cli.Models;

/// <summary>How a PyTorch checkpoint's inputs are normalised (<c>--normalize</c>).</summary>
internal enum NormalizeKind
{
    /// <summary>Scale to [0, 1], then ImageNet's mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225).</summary>
    ImageNet,

    /// <summary>Scale to [0, 1] only.</summary>
    None,
}
