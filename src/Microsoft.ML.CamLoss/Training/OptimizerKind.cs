namespace Microsoft.ML.CamLoss.Training;

/// <summary>The optimiser a trainer uses.</summary>
public enum OptimizerKind
{
    /// <summary>SGD with momentum (and optionally Nesterov), as <c>torch.optim.SGD</c>: the paper's choice.</summary>
    Sgd,

    /// <summary>AdamW (decoupled weight decay), as <c>torch.optim.AdamW</c>.</summary>
    AdamW,
}
