using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Models;

/// <summary>
/// Walks a module tree in PyTorch's order. TorchSharp's own <c>named_modules()</c> lists every child
/// before any grandchild, and its <c>state_dict()</c> lists every parameter of the tree before any
/// buffer; PyTorch visits modules depth first (pre-order) and, per module, its parameters then its
/// buffers. Initialisation draws and state-dict keys follow PyTorch's order, so we walk the tree ourselves.
/// </summary>
internal static class ModuleTree
{
    /// <summary>The module (name "") and every descendant with dotted names, depth first, parents before children (as <c>Module.modules()</c>).</summary>
    public static IEnumerable<(string Name, nn.Module Module)> DepthFirst(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return Walk(string.Empty, module);
    }

    /// <summary>
    /// The state entries as PyTorch's <c>state_dict()</c> orders them: per module (depth first) its
    /// parameters, then its persistent buffers. The tensors are the module's own (live): never dispose them.
    /// </summary>
    public static IEnumerable<(string Name, Tensor Value, nn.Module Owner)> StateEntries(nn.Module module)
    {
        foreach (var (prefix, owner) in DepthFirst(module))
        {
            foreach (var (name, parameter) in owner.named_parameters(recurse: false))
            {
                yield return (Join(prefix, name), parameter, owner);
            }

            foreach (var (name, buffer) in owner.named_buffers(recurse: false, include_nonpersistent: false))
            {
                yield return (Join(prefix, name), buffer, owner);
            }
        }
    }

    /// <summary><c>prefix.name</c>, or the one that is not empty.</summary>
    public static string Join(string prefix, string name) =>
        prefix.Length == 0 ? name : name.Length == 0 ? prefix : $"{prefix}.{name}";

    private static IEnumerable<(string Name, nn.Module Module)> Walk(string prefix, nn.Module module)
    {
        yield return (prefix, module);
        foreach (var (name, child) in module.named_children())
        {
            foreach (var descendant in Walk(Join(prefix, name), child))
            {
                yield return descendant;
            }
        }
    }
}
