using System.Buffers.Binary;
using System.Text.Json;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// Reads <c>.safetensors</c> files: an 8-byte little-endian header length, a UTF-8 JSON header
/// <c>{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {string: string}}</c>,
/// then the tensors' little-endian bytes (offsets relative to the end of the header).
/// Element types: F32, F64, F16, BF16, I64, I32, U8, BOOL.
/// </summary>
public static class SafeTensorsFile
{
    private const string MetadataKey = "__metadata__";

    // The safetensors library refuses headers over 100 MB.
    private const long MaxHeaderLength = 100_000_000;

    /// <summary>The tensors of a .safetensors file, by name, in the order of its header, on the CPU.</summary>
    /// <param name="path">The .safetensors file.</param>
    /// <returns>Contiguous CPU tensors by name. The caller owns them and must dispose each one; they belong to no dispose scope.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">The file is not a .safetensors file, is truncated or damaged, or uses an unsupported dtype.</exception>
    public static OrderedDictionary<string, Tensor> ReadStateDict(string path)
    {
        using var file = StateDictFile.OpenRead(path);
        using var header = ReadHeader(path, file, out var dataStart);
        var dataLength = file.Length - dataStart;
        using var scope = TorchSharp.torch.NewDisposeScope();
        var entries = new List<(string Name, ScalarType DType, long[] Shape, long Begin, long End)>();
        foreach (var entry in header.RootElement.EnumerateObject().Where(e => e.Name != MetadataKey))
        {
            if (entries.Any(e => e.Name == entry.Name))
            {
                throw Damaged(path, $"tensor '{entry.Name}' appears twice in the header.");
            }

            var (dtype, shape, begin, end) = ParseEntry(path, entry, dataLength);
            entries.Add((entry.Name, dtype, shape, begin, end));
        }

        CheckLayout(path, entries.Select(e => (e.Name, e.Begin, e.End)), dataLength);
        var result = new OrderedDictionary<string, Tensor>();
        foreach (var (name, dtype, shape, begin, end) in entries)
        {
            var bytes = new byte[end - begin];
            file.Position = dataStart + begin;
            file.ReadExactly(bytes);
            result.Add(name, TensorBytes.FromLittleEndian(bytes, shape, dtype));
        }

        foreach (var tensor in result.Values)
        {
            tensor.DetachFromDisposeScope();
        }

        return result;
    }

    /// <summary>The <c>__metadata__</c> strings of a .safetensors header (empty when there are none).</summary>
    /// <param name="path">The .safetensors file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">The file is not a .safetensors file or its metadata is not a map of strings.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var file = StateDictFile.OpenRead(path);
        using var header = ReadHeader(path, file, out _);
        var result = new Dictionary<string, string>();
        if (header.RootElement.TryGetProperty(MetadataKey, out var metadata))
        {
            if (metadata.ValueKind != JsonValueKind.Object)
            {
                throw Damaged(path, $"its {MetadataKey} is not an object of strings.");
            }

            foreach (var item in metadata.EnumerateObject())
            {
                result[item.Name] = item.Value.ValueKind == JsonValueKind.String
                    ? item.Value.GetString()!
                    : throw Damaged(path, $"its {MetadataKey} entry '{item.Name}' is not a string.");
            }
        }

        return result;
    }

    private static JsonDocument ReadHeader(string path, FileStream file, out long dataStart)
    {
        Span<byte> lengthBytes = stackalloc byte[8];
        if (file.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8)
        {
            throw new CheckpointFormatException(path, $"it is {file.Length} bytes long, too short to be a .safetensors file (8-byte header length, JSON header, data).");
        }

        var length = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (length > (ulong)(file.Length - 8) || length > MaxHeaderLength)
        {
            throw new CheckpointFormatException(path,
                $"its first 8 bytes give a header of {length} bytes but {file.Length - 8} bytes follow: it is truncated or not a .safetensors file. Check the path, or fetch the file again.");
        }

        var json = new byte[length];
        file.ReadExactly(json);
        dataStart = 8 + (long)length;
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            throw Damaged(path, "its header is not valid UTF-8.");
        }

        try
        {
            var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw Damaged(path, "its header is JSON but not an object.");
            }

            return document;
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(path, $"its header is not valid JSON ({e.Message}); it is damaged or not a .safetensors file.", e);
        }
    }

    private static (ScalarType DType, long[] Shape, long Begin, long End) ParseEntry(string path, JsonProperty entry, long dataLength)
    {
        var e = entry.Value;
        if (e.ValueKind != JsonValueKind.Object
            || !e.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String
            || !e.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !e.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw Damaged(path, $"the header entry of tensor '{entry.Name}' lacks dtype, shape or data_offsets [begin, end].");
        }

        var code = dtypeElement.GetString()!;
        var dtype = TensorDTypes.FromSafeTensorsCode(code) ?? throw new CheckpointFormatException(path,
            $"tensor '{entry.Name}' has dtype {code}, which this reader does not support (it reads F32, F64, F16, BF16, I64, I32, U8 and BOOL). " +
            "Convert that tensor before saving the file.");
        var shape = shapeElement.EnumerateArray().Select(v => ReadCount(path, entry.Name, v)).ToArray();
        var begin = ReadCount(path, entry.Name, offsets[0]);
        var end = ReadCount(path, entry.Name, offsets[1]);
        if (begin > end || end > dataLength)
        {
            throw new CheckpointFormatException(path,
                $"tensor '{entry.Name}' lies at bytes [{begin}, {end}) of a data section of {dataLength} bytes: the file is truncated or damaged. Fetch it again.");
        }

        var expected = ByteCount(shape, dtype);
        if (end - begin != expected)
        {
            throw Damaged(path, $"tensor '{entry.Name}' has {end - begin} bytes but shape [{string.Join(", ", shape)}] of {code} needs {expected?.ToString() ?? "more than 2^63"}.");
        }

        return (dtype, shape, begin, end);
    }

    /// <summary>
    /// The reference reader's rule (the <c>safetensors</c> library's validation): taken in order of their offsets, the
    /// tensors tile the data section exactly — the first starts at 0, each starts where the one before ends (no overlap,
    /// which would give two tensors the same bytes, and no gap), and the last ends at the end of the file.
    /// </summary>
    private static void CheckLayout(string path, IEnumerable<(string Name, long Begin, long End)> tensors, long dataLength)
    {
        var position = 0L;
        var previous = (string?)null;
        foreach (var (name, begin, end) in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (begin < position)
            {
                throw Damaged(path, $"tensor '{name}' at bytes [{begin}, {end}) overlaps tensor '{previous}', which ends at byte {position}.");
            }

            if (begin > position)
            {
                throw Damaged(path, $"bytes [{position}, {begin}) of the data section belong to no tensor (before tensor '{name}').");
            }

            (position, previous) = (end, name);
        }

        if (position != dataLength)
        {
            throw Damaged(path, $"the tensors end at byte {position} of a data section of {dataLength} bytes; the rest belongs to no tensor.");
        }
    }

    private static long? ByteCount(long[] shape, ScalarType dtype)
    {
        try
        {
            return shape.Aggregate((long)TensorDTypes.ElementSize(dtype), (n, d) => checked(n * d));
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static long ReadCount(string path, string name, JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n >= 0
            ? n
            : throw Damaged(path, $"tensor '{name}' has {value} where a size or offset (a non-negative integer) should be.");

    private static CheckpointFormatException Damaged(string path, string problem) =>
        new(path, $"{problem} The .safetensors file is damaged.");
}
