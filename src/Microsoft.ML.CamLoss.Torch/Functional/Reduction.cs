namespace Microsoft.ML.CamLoss.Torch;

/// <summary>How a loss turns per-element values into its result (as PyTorch's <c>reduction</c>).</summary>
public enum Reduction
{
    /// <summary>No reduction: the per-element losses.</summary>
    None = 0,

    /// <summary>Mean over elements (for cross-entropy: over non-ignored samples, weighted).</summary>
    Mean = 1,

    /// <summary>Sum over elements.</summary>
    Sum = 2,

    /// <summary>Sum divided by the batch size (the mathematically right KL divergence); <see cref="Functional.KlDiv"/> only.</summary>
    BatchMean = 3,
}
