using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// Turns the records of an unpickled checkpoint into TorchSharp tensors, in place in the object
/// graph: one dense 1-dimensional CPU tensor per storage, filled with the storage's bytes
/// (<see cref="TensorBytes.FromLittleEndian"/>), then one <c>as_strided</c> view of it per tensor
/// with the saved sizes, strides and storage offset (a legacy storage view adds its offset into the
/// storage it slices), so tensors that shared a storage in PyTorch share memory here too and
/// non-contiguous tensors keep their strides.
/// </summary>
internal sealed class CheckpointTensors
{
    private readonly string _path;
    private readonly Dictionary<StorageRecord, Tensor> _storages = [];
    private readonly Dictionary<object, Tensor> _built = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<object> _visited = new(ReferenceEqualityComparer.Instance);
    private readonly List<Tensor> _tensors = [];

    private CheckpointTensors(string path)
    {
        _path = path;
    }

    /// <summary>
    /// Replaces every tensor and storage record in <paramref name="root"/> (and below) with a tensor;
    /// returns the new root and every tensor built. The tensors are created in the caller's current
    /// dispose scope; the storage tensors stay there (each view holds its storage alive once they are disposed).
    /// </summary>
    /// <exception cref="CheckpointFormatException">A tensor reaches outside its storage.</exception>
    public static (object? Root, List<Tensor> Tensors) Build(string path, object? root, StorageTable storages)
    {
        var builder = new CheckpointTensors(path);
        foreach (var storage in storages.Storages)
        {
            var data = storage.Data ?? throw new CheckpointFormatException(path, $"the data of storage '{storage.Key}' is missing; the file is damaged.");
            builder._storages.Add(storage, TensorBytes.FromLittleEndian(data, [storage.NumberOfElements], storage.DType));
            storage.Data = null;
        }

        var newRoot = builder.Resolve(root);
        return (newRoot, builder._tensors);
    }

    /// <summary>Replaces records in <paramref name="root"/> and every container below it, without recursion (pickles can nest deeply).</summary>
    private object? Resolve(object? root)
    {
        var pending = new Stack<object>();
        var result = Replace(root, pending);
        while (pending.TryPop(out var container))
        {
            switch (container)
            {
                case List<object?> list:
                    for (var i = 0; i < list.Count; i++)
                    {
                        list[i] = Replace(list[i], pending);
                    }

                    break;
                case PickleTuple tuple:
                    for (var i = 0; i < tuple.Count; i++)
                    {
                        tuple.SetItem(i, Replace(tuple[i], pending));
                    }

                    break;
                case OrderedDictionary<object, object?> dict:
                    for (var i = 0; i < dict.Count; i++)
                    {
                        dict.SetAt(i, Replace(dict.GetAt(i).Value, pending));
                    }

                    break;
                case HashSet<object?> set:
                    var items = set.Select(item => Replace(item, pending)).ToList();
                    set.Clear();
                    set.UnionWith(items);
                    break;
            }
        }

        return result;
    }

    /// <summary>The tensor for a record; a container not seen before is queued for <see cref="Resolve"/>.</summary>
    private object? Replace(object? value, Stack<object> pending)
    {
        switch (value)
        {
            case TensorRecord tensor:
                return View(tensor, tensor.Storage, tensor.StorageOffset, tensor.Shape, tensor.Strides);
            case StorageRecord storage:
                return View(storage, storage, 0, [storage.NumberOfElements], [1]);
            case List<object?> or PickleTuple or OrderedDictionary<object, object?> or HashSet<object?> when _visited.Add(value):
                pending.Push(value);
                break;
        }

        return value;
    }

    private Tensor View(object record, StorageRecord storage, long offset, long[] shape, long[] strides)
    {
        if (_built.TryGetValue(record, out var existing))
        {
            return existing;
        }

        CheckExtent(storage, offset, shape, strides);
        var root = storage.Root ?? storage;
        var tensor = _storages[root].as_strided(shape, strides, storage.RootOffset + offset);
        if (record is TensorRecord { RequiresGrad: true } && TensorDTypes.IsFloatingPoint(storage.DType))
        {
            tensor.requires_grad = true;
        }

        _built.Add(record, tensor);
        _tensors.Add(tensor);
        return tensor;
    }

    private void CheckExtent(StorageRecord storage, long offset, long[] shape, long[] strides)
    {
        var last = offset;
        var empty = false;
        for (var i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0 || strides[i] < 0)
            {
                throw new CheckpointFormatException(_path, $"a tensor over storage '{storage.Key}' has a negative size or stride ([{string.Join(", ", shape)}], strides [{string.Join(", ", strides)}]); the file is damaged.");
            }

            empty |= shape[i] == 0;
            last = empty ? last : checked(last + ((shape[i] - 1) * strides[i]));
        }

        if (offset < 0 || (empty ? offset > storage.NumberOfElements : last >= storage.NumberOfElements))
        {
            throw new CheckpointFormatException(_path,
                $"a tensor of shape [{string.Join(", ", shape)}], strides [{string.Join(", ", strides)}] and offset {offset} reaches outside " +
                $"storage '{storage.Key}' of {storage.NumberOfElements} elements; the file is damaged.");
        }
    }
}
