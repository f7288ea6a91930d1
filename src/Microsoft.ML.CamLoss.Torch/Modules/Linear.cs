namespace Microsoft.ML.CamLoss.Torch;

/// <summary>
/// Fully connected layer <c>y = x Wᵀ + b</c> (as <c>torch.nn.Linear</c>), with <c>weight [out, in]</c>
/// and optional <c>bias [out]</c> initialised as PyTorch does.
/// </summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    public Linear(long inFeatures, long outFeatures, bool bias = true)
    {
        Weight = RegisterParameter("weight", Tensor.Empty([outFeatures, inFeatures]));
        Bias = bias ? RegisterParameter("bias", Tensor.Empty([outFeatures])) : null;
        Init.DefaultLayer(Weight, Bias);
    }

    /// <summary>Weights <c>[out, in]</c>; for a classifier head, row c is class c's weight vector.</summary>
    public Tensor Weight { get; }

    /// <summary>Bias <c>[out]</c>, or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias);
}
