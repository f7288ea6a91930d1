using System.Buffers.Binary;
using System.Numerics;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// Reads the legacy format of <c>torch.save</c> (before PyTorch 1.6, or with
/// <c>_use_new_zipfile_serialization=False</c>): five consecutive pickles, the magic number
/// <c>0x1950a86a20f9469cfc6c</c>, the protocol version 1001, the system info, the object graph and
/// the sorted list of storage keys; then per key an int64 element count and the raw bytes.
/// </summary>
internal static class LegacyCheckpointReader
{
    /// <summary>The magic number the legacy format starts with.</summary>
    public static readonly BigInteger MagicNumber = BigInteger.Parse("1950a86a20f9469cfc6c", System.Globalization.NumberStyles.HexNumber);

    private const long ProtocolVersion = 1001;

    /// <summary>The unpickled graph and its storages, with every storage's bytes read.</summary>
    public static (object? Root, StorageTable Storages) Read(string path, Stream file)
    {
        var magic = new Unpickler(file, path, "magic number", null).Load();
        if (magic is not BigInteger number || number != MagicNumber)
        {
            throw new CheckpointFormatException(path, $"it starts with a pickle of {magic ?? "None"}, not the magic number of a torch.save checkpoint.");
        }

        if (new Unpickler(file, path, "protocol version", null).Load() is not ProtocolVersion)
        {
            throw new CheckpointFormatException(path, $"its legacy serialization protocol is not {ProtocolVersion}, the only one PyTorch wrote; load and save it again with PyTorch.");
        }

        var sysInfo = new Unpickler(file, path, "system info", null).Load() as OrderedDictionary<object, object?>;
        var bigEndian = sysInfo?.GetValueOrDefault("little_endian") is false;

        var storages = new StorageTable(path);
        var root = new Unpickler(file, path, "main", storages.Load).Load();
        if (new Unpickler(file, path, "storage key list", null).Load() is not List<object?> keys)
        {
            throw new CheckpointFormatException(path, "the pickle after the main one is not the list of storage keys; the file is damaged.");
        }

        Span<byte> count = stackalloc byte[8];
        foreach (var key in keys)
        {
            var storage = (key is string name ? storages.Find(name) : null) ?? throw new CheckpointFormatException(path,
                $"its storage key list names '{key}', which the main pickle does not refer to; the file is damaged.");
            file.ReadExactly(count);
            var numel = bigEndian ? BinaryPrimitives.ReadInt64BigEndian(count) : BinaryPrimitives.ReadInt64LittleEndian(count);
            if (numel != storage.NumberOfElements)
            {
                throw new CheckpointFormatException(path,
                    $"storage '{storage.Key}' is stored with {numel} elements but the main pickle says {storage.NumberOfElements}; the file is damaged.");
            }

            if (storage.ByteCount > file.Length - file.Position)
            {
                throw new EndOfStreamException();
            }

            storage.Data = new byte[storage.ByteCount];
            file.ReadExactly(storage.Data);
            if (bigEndian)
            {
                TensorBytes.ReverseEachElement(storage.Data, TensorDTypes.ElementSize(storage.DType));
            }
        }

        return (root, storages);
    }
}
