namespace Microsoft.ML.CamLoss.Torch;

/// <summary>What <see cref="Module.LoadStateDict"/> did not match (as PyTorch's <c>_IncompatibleKeys</c>).</summary>
/// <param name="MissingKeys">Keys of the module that the state dict lacks (left unchanged).</param>
/// <param name="UnexpectedKeys">Keys of the state dict that the module lacks (ignored).</param>
public sealed record StateDictLoadResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
