namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// The storages a checkpoint's main pickle refers to, one <see cref="StorageRecord"/> per key: the
/// <c>persistent_load</c> of both torch.save formats. A persistent id is
/// <c>('storage', storage_class, key, location, numel)</c> in the zip format, with a sixth item
/// <c>view_metadata</c> (None, or <c>(view_key, offset, view_numel)</c>) in the legacy format.
/// </summary>
internal sealed class StorageTable(string path)
{
    private readonly Dictionary<string, StorageRecord> _storages = [];
    private readonly Dictionary<string, StorageRecord> _views = [];

    /// <summary>The storages of their own (not views), in the order the pickle first named them.</summary>
    public IEnumerable<StorageRecord> Storages => _storages.Values;

    /// <summary>The storage of its own with this key, or null.</summary>
    public StorageRecord? Find(string key) => _storages.GetValueOrDefault(key);

    /// <summary>The persistent_load callback: the storage (or storage view) a persistent id names.</summary>
    /// <exception cref="CheckpointFormatException">The storage class is not supported.</exception>
    public object Load(object? persistentId)
    {
        if (persistentId is not PickleTuple { Count: 5 or 6 } id || id[0] is not "storage")
        {
            throw new InvalidPickleException(
                $"a persistent id is {persistentId ?? "None"}, not ('storage', storage_class, key, location, numel).");
        }

        if (id[1] is not PickleGlobal { IsStorageClass: true } storageClass || id[2] is not string key || id[3] is not string location)
        {
            throw new InvalidPickleException($"a storage reference {id} is not (storage_class, key, location, numel).");
        }

        if (id[4] is not long numel || numel < 0)
        {
            throw new InvalidPickleException($"storage '{key}' declares {PickleTuple.Show(id[4])} as its element count, not a count from 0 to 2^63 − 1.");
        }

        var dtype = storageClass.StorageDType ?? throw new CheckpointFormatException(path,
            $"it holds a storage of class {storageClass.FullName}, which this reader does not support (it reads " +
            $"{TensorDTypes.SupportedNames} tensors). Convert those tensors in PyTorch (e.g. t.to(torch.int32) or " +
            "t.float()) and save the checkpoint again.");
        var storage = GetOrAdd(key, dtype, numel, location);
        return id.Count == 6 && id[5] is not null ? View(storage, id[5]) : storage;
    }

    private StorageRecord GetOrAdd(string key, TorchSharp.torch.ScalarType dtype, long numel, string location)
    {
        if (_storages.TryGetValue(key, out var existing))
        {
            if (existing.DType != dtype || existing.NumberOfElements != numel)
            {
                throw new InvalidPickleException(
                    $"storage '{key}' is named as {numel} {TensorDTypes.PythonName(dtype)} elements and as {existing.NumberOfElements} {TensorDTypes.PythonName(existing.DType)}.");
            }

            return existing;
        }

        var storage = new StorageRecord(key, dtype, numel, location);
        _storages.Add(key, storage);
        return storage;
    }

    private StorageRecord View(StorageRecord root, object? metadata)
    {
        if (metadata is not PickleTuple { Count: 3 } view || view[0] is not string viewKey || view[1] is not long offset
            || view[2] is not long numel || offset < 0 || numel < 0 || offset + numel > root.NumberOfElements)
        {
            throw new InvalidPickleException($"storage '{root.Key}' has view metadata {metadata} that is not (key, offset, numel) inside it.");
        }

        if (!_views.TryGetValue(viewKey, out var storageView))
        {
            storageView = new StorageRecord(viewKey, root.DType, numel, root.Location) { Root = root, RootOffset = offset };
            _views.Add(viewKey, storageView);
        }

        return storageView;
    }
}
