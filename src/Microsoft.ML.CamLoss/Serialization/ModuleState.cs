using Microsoft.ML.CamLoss.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// A module's state dict in PyTorch's order, for the files this library writes: per module its own
/// parameters, then its own persistent buffers, modules depth first in registration order
/// (<c>conv1.weight, bn1.weight, bn1.bias, bn1.running_mean, …, layer1.0.conv1.weight</c>).
/// </summary>
/// <remarks>
/// TorchSharp's own <c>state_dict()</c> holds the same entries but lists every parameter of the whole
/// tree before any buffer (our backbones override it to PyTorch's order; any other module does not).
/// The entries and values are taken from <c>state_dict()</c>, so an override is honoured, and only
/// reordered by <see cref="ModuleTree.StateEntries"/>; an entry that walk does not reach keeps its
/// place after the others. The values are the module's live tensors: read them, never dispose them.
/// </remarks>
internal static class ModuleState
{
    /// <summary>The entries of <c>module.state_dict()</c>, in PyTorch's order.</summary>
    public static List<KeyValuePair<string, Tensor>> InPyTorchOrder(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var state = module.state_dict();
        var ordered = new List<KeyValuePair<string, Tensor>>(state.Count);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, _, _) in ModuleTree.StateEntries(module))
        {
            if (state.TryGetValue(name, out var tensor) && taken.Add(name))
            {
                ordered.Add(KeyValuePair.Create(name, tensor));
            }
        }

        ordered.AddRange(state.Where(entry => !taken.Contains(entry.Key)));
        return ordered;
    }
}
