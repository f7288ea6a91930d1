namespace Microsoft.ML.CamLoss.Models;

/// <summary>What <see cref="ModuleStateExtensions.LoadStateDict"/> did not match (as PyTorch's <c>_IncompatibleKeys</c>).</summary>
/// <param name="MissingKeys">Keys of the module that the state dict lacks (left unchanged), in the module's state-dict order.</param>
/// <param name="UnexpectedKeys">Keys of the state dict that the module lacks (ignored), in the dict's order.</param>
public sealed record StateDictLoadResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
