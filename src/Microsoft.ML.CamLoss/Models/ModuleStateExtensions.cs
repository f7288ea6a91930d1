using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Models;

/// <summary>
/// Loading a state dict into any TorchSharp module with PyTorch's rules and messages. TorchSharp's
/// own <c>load_state_dict</c> reports only "not identical" and does not compare shapes; this one
/// names every missing, unexpected and mis-shaped key, as <c>torch.nn.Module.load_state_dict</c> does.
/// </summary>
public static class ModuleStateExtensions
{
    private const string NumBatchesTracked = "num_batches_tracked";

    /// <summary>
    /// Copies values from <paramref name="state"/> into the module's parameters and persistent buffers,
    /// as PyTorch's <c>load_state_dict</c>: values are converted to the target's dtype and device and copied
    /// in place without recording gradients, so parameters stay the same objects and stay trainable.
    /// </summary>
    /// <remarks>
    /// <para>Keys are PyTorch's dotted names (<c>layer1.0.bn1.running_mean</c>). A BatchNorm's
    /// <c>num_batches_tracked</c> may be absent (checkpoints written before PyTorch 0.4.1 lack it); it then
    /// keeps its value and is not reported as missing, as PyTorch 2 does.</para>
    /// <para>Checks happen before anything is copied: when the call throws, the module is unchanged.</para>
    /// </remarks>
    /// <param name="module">The module to fill.</param>
    /// <param name="state">Values by dotted name (e.g. another module's <c>state_dict()</c>); the caller keeps ownership.</param>
    /// <param name="strict">When true (default), a missing or unexpected key is an error; when false they are
    /// only reported in the result (e.g. a pretrained backbone with a new head). A shape mismatch is always an error.</param>
    /// <returns>The keys the module has but the dict lacks, and the keys the dict has but the module lacks.</returns>
    /// <exception cref="InvalidOperationException">
    /// A shape differs, or (strict) keys differ. The message is PyTorch's:
    /// <c>Error(s) in loading state_dict for NAME:</c> then one line each for <c>Missing key(s) in state_dict: "…"</c>,
    /// <c>Unexpected key(s) in state_dict: "…"</c> and <c>size mismatch for KEY: copying a param with shape […] from checkpoint, the shape in current model is […].</c>
    /// </exception>
    /// <exception cref="ArgumentException">A value of <paramref name="state"/> is null or disposed.</exception>
    /// <exception cref="TorchException">libtorch failed to copy a value (e.g. a device it cannot reach).</exception>
    public static StateDictLoadResult LoadStateDict(this nn.Module module, IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(state);
        var own = ModuleTree.StateEntries(module).ToList();
        var ownNames = own.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var missing = own.Where(e => !state.ContainsKey(e.Name) && !IsOptional(e.Name, e.Owner)).Select(e => e.Name).ToList();
        var unexpected = state.Keys.Where(k => !ownNames.Contains(k)).ToList();
        var errors = new List<string>();
        if (strict && missing.Count > 0)
        {
            errors.Add($"Missing key(s) in state_dict: {Quoted(missing)}.");
        }

        if (strict && unexpected.Count > 0)
        {
            errors.Add($"Unexpected key(s) in state_dict: {Quoted(unexpected)}.");
        }

        foreach (var (name, target, _) in own)
        {
            if (!state.TryGetValue(name, out var source))
            {
                continue;
            }

            if (source is null || source.IsInvalid)
            {
                throw new ArgumentException($"The value of '{name}' in the state dict is null or disposed.", nameof(state));
            }

            if (!source.shape.AsSpan().SequenceEqual(target.shape))
            {
                errors.Add($"size mismatch for {name}: copying a param with shape {Describe(source.shape)} from checkpoint, the shape in current model is {Describe(target.shape)}.");
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"Error(s) in loading state_dict for {module.GetType().Name}:\n\t{string.Join("\n\t", errors)}");
        }

        using (torch.no_grad())
        {
            foreach (var (name, target, _) in own)
            {
                if (state.TryGetValue(name, out var source))
                {
                    TorchErrors.Run(() => target.copy_(source), $"Loading '{name}' of the state dict");
                }
            }
        }

        return new StateDictLoadResult(missing, unexpected);
    }

    /// <summary>Whether an entry may be absent from a state dict without being missing: a normalisation layer's step counter.</summary>
    private static bool IsOptional(string name, nn.Module owner) =>
        owner is NormBase && (name == NumBatchesTracked || name.EndsWith("." + NumBatchesTracked, StringComparison.Ordinal));

    private static string Quoted(IEnumerable<string> keys) => string.Join(", ", keys.Select(k => $"\"{k}\""));

    private static string Describe(long[] shape) => $"[{string.Join(", ", shape)}]";
}
