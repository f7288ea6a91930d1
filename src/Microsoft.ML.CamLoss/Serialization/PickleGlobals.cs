using System.Collections.Frozen;
using System.Text;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// The allow-list of the restricted unpickler: the only Python globals a checkpoint may name.
/// Each is reimplemented here from data alone; nothing is looked up or run in Python, and any
/// other global (<c>os.system</c>, <c>builtins.eval</c> ...) makes <see cref="Unpickler"/> refuse the file.
/// </summary>
/// <remarks>
/// Allowed: <c>torch._utils._rebuild_tensor</c>, <c>_rebuild_tensor_v2</c>, <c>_rebuild_parameter</c>,
/// <c>_rebuild_parameter_with_state</c>; <c>collections.OrderedDict</c>; <c>torch.Size</c> (a tuple);
/// <c>_codecs.encode</c> (how protocol 2 writes <c>bytes</c>; latin-1 and UTF-8 only);
/// <c>builtins.set</c>/<c>frozenset</c>; and the storage classes <c>torch.FloatStorage</c> ...
/// (also under <c>torch.cuda</c>) as markers in persistent ids. Other <c>torch.*Storage</c> names are
/// inert markers too, so the reader can say the storage type is unsupported rather than unsafe.
/// </remarks>
internal static class PickleGlobals
{
    private static readonly FrozenDictionary<string, PickleGlobal> s_callables = new PickleGlobal[]
    {
        new("collections.OrderedDict", NewDictionary),
        new("torch._utils._rebuild_tensor", TorchRebuild.Tensor),
        new("torch._utils._rebuild_tensor_v2", TorchRebuild.TensorV2),
        new("torch._utils._rebuild_parameter", TorchRebuild.Parameter),
        new("torch._utils._rebuild_parameter_with_state", TorchRebuild.Parameter),
        new("torch.Size", TupleOf),
        new("_codecs.encode", Encode),
        new("builtins.set", SetOf),
        new("builtins.frozenset", SetOf),
        new("__builtin__.set", SetOf),
        new("__builtin__.frozenset", SetOf),
    }.ToFrozenDictionary(g => g.FullName);

    /// <summary>The allowed global <c>module.name</c>, or false when the file must be refused.</summary>
    public static bool TryResolve(string module, string name, out PickleGlobal global)
    {
        var fullName = $"{module}.{name}";
        if (s_callables.TryGetValue(fullName, out var callable))
        {
            global = callable;
            return true;
        }

        if (module is "torch" or "torch.cuda" && name.EndsWith("Storage", StringComparison.Ordinal) && name.All(char.IsAsciiLetterOrDigit))
        {
            global = new PickleGlobal(fullName, null) { IsStorageClass = true, StorageDType = TensorDTypes.FromStorageClass(name) };
            return true;
        }

        global = null!;
        return false;
    }

    private static object NewDictionary(IReadOnlyList<object?> args)
    {
        var dict = new OrderedDictionary<object, object?>();
        if (args.Count == 1 && args[0] is IEnumerable<object?> pairs)
        {
            foreach (var pair in pairs)
            {
                if (pair is not IReadOnlyList<object?> { Count: 2 } kv || kv[0] is null)
                {
                    throw new InvalidPickleException("OrderedDict was given an item that is not a (key, value) pair.");
                }

                dict[PickleTuple.CheckedKey(kv[0])!] = kv[1];
            }
        }
        else if (args.Count != 0)
        {
            throw new InvalidPickleException($"OrderedDict was called with {args.Count} arguments.");
        }

        return dict;
    }

    private static object TupleOf(IReadOnlyList<object?> args) => args switch
    {
        [] => new PickleTuple([]),
        [IEnumerable<object?> items] => new PickleTuple(items.ToArray()),
        _ => throw new InvalidPickleException("torch.Size expects one sequence of sizes."),
    };

    private static object SetOf(IReadOnlyList<object?> args) => args switch
    {
        [] => new HashSet<object?>(),
        [IEnumerable<object?> items] => new HashSet<object?>(items.Select(PickleTuple.CheckedKey)),
        _ => throw new InvalidPickleException("set expects one sequence of items."),
    };

    private static object Encode(IReadOnlyList<object?> args)
    {
        if (args is not [string text, string encoding])
        {
            throw new InvalidPickleException("_codecs.encode expects a string and an encoding name.");
        }

        switch (encoding.ToLowerInvariant())
        {
            case "latin1" or "latin-1" or "iso-8859-1":
                if (text.Any(c => c > 0xFF))
                {
                    throw new InvalidPickleException("_codecs.encode: a character is outside latin-1.");
                }

                return text.Select(c => (byte)c).ToArray();
            case "utf-8" or "utf8":
                return Encoding.UTF8.GetBytes(text);
            default:
                throw new InvalidPickleException($"_codecs.encode: encoding '{encoding}' is not supported (only latin-1 and UTF-8).");
        }
    }
}
