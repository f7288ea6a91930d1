namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// PyTorch's <c>torch._utils._rebuild_*</c> functions, reimplemented from their arguments alone:
/// each returns a <see cref="TensorRecord"/> (the tensor is built once the storages are read).
/// </summary>
internal static class TorchRebuild
{
    /// <summary><c>_rebuild_tensor(storage, storage_offset, size, stride)</c>.</summary>
    public static object Tensor(IReadOnlyList<object?> args)
    {
        if (args.Count != 4)
        {
            throw new InvalidPickleException($"_rebuild_tensor expects 4 arguments, got {args.Count}.");
        }

        return Build(args);
    }

    /// <summary><c>_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])</c>.</summary>
    public static object TensorV2(IReadOnlyList<object?> args)
    {
        if (args.Count is < 6 or > 7)
        {
            throw new InvalidPickleException($"_rebuild_tensor_v2 expects 6 or 7 arguments, got {args.Count}.");
        }

        var tensor = Build(args);
        tensor.RequiresGrad = AsBool(args[4], "requires_grad");
        return tensor;
    }

    /// <summary><c>_rebuild_parameter(data, requires_grad, backward_hooks)</c> and <c>_rebuild_parameter_with_state(..., state)</c>.</summary>
    public static object Parameter(IReadOnlyList<object?> args)
    {
        if (args.Count is < 3 or > 4 || args[0] is not TensorRecord data)
        {
            throw new InvalidPickleException("_rebuild_parameter expects a tensor, requires_grad and backward hooks.");
        }

        data.RequiresGrad = AsBool(args[1], "requires_grad");
        return data;
    }

    private static TensorRecord Build(IReadOnlyList<object?> args)
    {
        if (args[0] is not StorageRecord storage)
        {
            throw new InvalidPickleException($"a tensor's first argument is a {PythonTypeName.Of(args[0])}, not a storage.");
        }

        var offset = AsInt64(args[1], "storage_offset");
        var shape = AsInt64s(args[2], "size");
        var strides = AsInt64s(args[3], "stride");
        if (shape.Length != strides.Length)
        {
            throw new InvalidPickleException($"a tensor has {shape.Length} sizes but {strides.Length} strides.");
        }

        return new TensorRecord(storage, offset, shape, strides);
    }

    private static long AsInt64(object? value, string what) =>
        value as long? ?? throw new InvalidPickleException($"a tensor's {what} is a {PythonTypeName.Of(value)}, not an int.");

    private static long[] AsInt64s(object? value, string what) => value is IReadOnlyList<object?> items
        ? items.Select(v => AsInt64(v, what)).ToArray()
        : throw new InvalidPickleException($"a tensor's {what} is a {PythonTypeName.Of(value)}, not a tuple of ints.");

    private static bool AsBool(object? value, string what) =>
        value as bool? ?? throw new InvalidPickleException($"a tensor's {what} is a {PythonTypeName.Of(value)}, not a bool.");
}
