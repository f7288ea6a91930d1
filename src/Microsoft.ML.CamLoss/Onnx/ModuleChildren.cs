using Microsoft.ML.CamLoss.Models;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>
/// Reads a module's registered children by name for the exporter, refusing anything it does not
/// expect: a child of another type, a missing child, or an extra one (which the exporter would
/// otherwise leave out of the graph without a word). The errors name the module's path.
/// </summary>
internal static class ModuleChildren
{
    /// <summary>The children of <paramref name="module"/> (at <paramref name="path"/>) by name, checked against the expected names.</summary>
    /// <exception cref="NotSupportedException">A required child is missing, or a child is not among <paramref name="required"/> and <paramref name="optional"/>.</exception>
    public static IReadOnlyDictionary<string, nn.Module> Expect(nn.Module module, string path, IReadOnlyCollection<string> required, params string[] optional)
    {
        var children = module.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);
        var unexpected = children.Keys.Where(name => !required.Contains(name) && !optional.Contains(name)).ToList();
        var missing = required.Where(name => !children.ContainsKey(name)).ToList();
        if (unexpected.Count > 0 || missing.Count > 0)
        {
            var problem = unexpected.Count > 0 ? $"it has the module(s) {string.Join(", ", unexpected.Select(n => $"'{n}'"))} the exporter does not know" : $"it lacks {string.Join(", ", missing.Select(n => $"'{n}'"))}";
            throw Unsupported(module, path, $"{problem} (expected {string.Join(", ", required.Concat(optional).Select(n => $"'{n}'"))})");
        }

        return children;
    }

    /// <summary>The child <paramref name="name"/> of <paramref name="children"/> as a <typeparamref name="T"/>, or null when absent.</summary>
    /// <exception cref="NotSupportedException">The child is of another type.</exception>
    public static T? Optional<T>(IReadOnlyDictionary<string, nn.Module> children, string parentPath, string name)
        where T : nn.Module
    {
        if (!children.TryGetValue(name, out var child))
        {
            return null;
        }

        return child as T ?? throw Unsupported(child, ModuleTree.Join(parentPath, name), $"the exporter expects a {typeof(T).Name} there");
    }

    /// <summary>The child <paramref name="name"/> of <paramref name="children"/> as a <typeparamref name="T"/>.</summary>
    /// <exception cref="NotSupportedException">The child is absent or of another type.</exception>
    public static T Required<T>(IReadOnlyDictionary<string, nn.Module> children, string parentPath, string name)
        where T : nn.Module =>
        Optional<T>(children, parentPath, name) ?? throw new NotSupportedException($"Cannot export '{ModuleTree.Join(parentPath, name)}': the module is missing.");

    /// <summary>The numbered children (<c>0</c>, <c>1</c>, …) of a sequential container, in order.</summary>
    public static IReadOnlyList<(string Path, nn.Module Module)> Numbered(nn.Module container, string path)
    {
        var children = container.named_children().ToList();
        for (var i = 0; i < children.Count; i++)
        {
            if (children[i].name != i.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                throw Unsupported(container, path, $"its child '{children[i].name}' is not numbered as a Sequential's");
            }
        }

        return [.. children.Select(c => (ModuleTree.Join(path, c.name), c.module))];
    }

    /// <summary>"Cannot export 'path' (Type): why." — the exporter's error for a module it cannot write.</summary>
    public static NotSupportedException Unsupported(nn.Module module, string path, string why) =>
        new($"Cannot export '{(path.Length == 0 ? "<network>" : path)}' ({module.GetType().Name}): {why}. The ONNX exporter writes the library's own networks " +
            "(CifarResNet, WideResNet, ImageNetResNet) as they are built; a changed or custom module has no ONNX form here.");
}
