namespace Microsoft.ML.CamLoss.Torch;

/// <summary>A module with a typed forward pass.</summary>
/// <typeparam name="TInput">What the module takes.</typeparam>
/// <typeparam name="TOutput">What the module returns.</typeparam>
public abstract class Module<TInput, TOutput> : Module
{
    /// <summary>Computes the module's output (recorded by autograd unless in a no-grad scope).</summary>
    public abstract TOutput Forward(TInput input);
}
