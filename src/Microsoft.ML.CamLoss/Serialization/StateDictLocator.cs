using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// Finds the state dict in an unpickled checkpoint: the dict under <c>state_dict</c>, else under
/// <c>model</c>, else the top-level dict itself; its tensor entries, in file order, with a leading
/// <c>module.</c> (added by <c>DataParallel</c>) removed. Non-tensor entries are skipped.
/// </summary>
internal static class StateDictLocator
{
    private const string DataParallelPrefix = "module.";

    /// <summary>The state dict's tensors by name (the tensors of the graph, not copies).</summary>
    /// <exception cref="CheckpointFormatException">No dict of tensors, or two names that are equal without the prefix.</exception>
    public static OrderedDictionary<string, Tensor> Find(string path, object? root)
    {
        if (root is not OrderedDictionary<object, object?> top)
        {
            throw new CheckpointFormatException(path,
                $"it holds a {PythonTypeName.Of(root)}, not a dict of tensors. Load it with PyTorchCheckpoint.Load to inspect it.");
        }

        var dict = NestedDictionary(top, "state_dict") ?? NestedDictionary(top, "model") ?? top;
        var result = new OrderedDictionary<string, Tensor>();
        foreach (var (key, value) in dict)
        {
            if (key is string name && value is Tensor tensor)
            {
                var unprefixed = name.StartsWith(DataParallelPrefix, StringComparison.Ordinal) ? name[DataParallelPrefix.Length..] : name;
                if (!result.TryAdd(unprefixed, tensor))
                {
                    throw new CheckpointFormatException(path,
                        $"its state dict has both '{name}' and '{unprefixed}', which are the same name once the DataParallel prefix '{DataParallelPrefix}' is removed.");
                }
            }
        }

        if (result.Count == 0)
        {
            var keys = string.Join(", ", top.Keys.Take(10).Select(k => $"'{k}'"));
            throw new CheckpointFormatException(path,
                $"it holds no tensors where a state dict would be (the top-level dict, 'state_dict' or 'model'); its top-level keys are {keys}. " +
                "Load it with PyTorchCheckpoint.Load to inspect it.");
        }

        return result;
    }

    private static OrderedDictionary<object, object?>? NestedDictionary(OrderedDictionary<object, object?> dict, string key) =>
        dict.TryGetValue(key, out var value) ? value as OrderedDictionary<object, object?> : null;
}
