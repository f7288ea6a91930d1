using System.Buffers.Binary;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// The tensor encoding of <see cref="ModelWeightsFile"/>, on any stream: the payload that follows
/// the file's header, and the content of each tensor entry of a <see cref="ModelArchive"/>.
/// </summary>
/// <remarks>
/// All integers little-endian: the tensor count (int32), then per tensor the name (int32 byte length
/// + UTF-8), the element type (int32, libtorch's <see cref="ScalarType"/> code), the rank (int32),
/// the sizes (int64 each), the data length (int64) and the elements in row-major order. Integrity
/// (length and checksum) is the container's job; the reader only refuses what cannot be decoded.
/// </remarks>
internal static class ModelWeightsPayload
{
    private const int MaxRank = 64;

    /// <summary>
    /// Materialises <paramref name="tensors"/> and checks it can be encoded: names non-empty and
    /// unique, tensors non-null and of a supported element type.
    /// </summary>
    /// <param name="tensors">Tensors by name; enumerated once.</param>
    /// <param name="parameterName">The argument to name in exceptions.</param>
    /// <exception cref="ArgumentException">A name is empty or repeated, or an element type is not supported.</exception>
    /// <exception cref="ArgumentNullException">A tensor is null.</exception>
    public static List<KeyValuePair<string, Tensor>> ToCheckedList(IEnumerable<KeyValuePair<string, Tensor>> tensors, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(tensors, parameterName);
        var entries = tensors.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in entries)
        {
            ArgumentException.ThrowIfNullOrEmpty(name, parameterName);
            ArgumentNullException.ThrowIfNull(tensor, $"{parameterName}[{name}]");
            if (!names.Add(name))
            {
                throw new ArgumentException($"The name '{name}' appears twice.", parameterName);
            }

            if (!TensorDTypes.IsSupported(tensor.dtype))
            {
                throw new ArgumentException($"Tensor '{name}' has element type {tensor.dtype}; weights files hold {TensorDTypes.SupportedNames}.", parameterName);
            }
        }

        return entries;
    }

    /// <summary>
    /// Encodes <paramref name="tensors"/> (checked by <see cref="ToCheckedList"/>, from any device and in any
    /// layout; they are only read) onto <paramref name="destination"/>. Each tensor's dense CPU copy, when one
    /// is needed, lives only while that tensor is written.
    /// </summary>
    public static void Write(Stream destination, IReadOnlyList<KeyValuePair<string, Tensor>> tensors)
    {
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        writer.Write(tensors.Count);
        foreach (var (name, tensor) in tensors)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            writer.Write(nameBytes.Length);
            writer.Write(nameBytes);
            writer.Write((int)tensor.dtype);
            var shape = tensor.shape;
            writer.Write(shape.Length);
            foreach (var size in shape)
            {
                writer.Write(size);
            }

            using var scope = torch.NewDisposeScope();
            var dense = TensorBytes.Dense(tensor);
            var data = dense.NumberOfElements == 0 ? Span<byte>.Empty : dense.bytes;
            writer.Write((long)data.Length);
            writer.Write(data);
        }

        writer.Flush();
    }

    /// <summary>Decodes exactly <paramref name="length"/> bytes of <paramref name="source"/> into CPU tensors.</summary>
    /// <param name="source">The stream, at the start of the encoding.</param>
    /// <param name="length">The length of the encoding: no length inside it may run past this.</param>
    /// <returns>Contiguous CPU tensors by name, in encoded order; the caller owns them and they belong to no dispose scope.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a valid encoding; the message says what is wrong, without a trailing period.</exception>
    /// <exception cref="EndOfStreamException">The stream ends before <paramref name="length"/> bytes.</exception>
    public static OrderedDictionary<string, Tensor> Read(Stream source, long length)
    {
        var reader = new BoundedReader(source, length);
        using var scope = torch.NewDisposeScope();
        var result = new OrderedDictionary<string, Tensor>();
        var count = reader.ReadInt32();
        if (count < 0)
        {
            throw new InvalidDataException($"the tensor count is {count}");
        }

        for (var i = 0; i < count; i++)
        {
            var name = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadInt32()));
            var code = reader.ReadInt32();
            var rank = reader.ReadInt32();
            if (code is < sbyte.MinValue or > sbyte.MaxValue || !TensorDTypes.IsSupported((ScalarType)code) || rank is < 0 or > MaxRank)
            {
                throw new InvalidDataException($"tensor '{name}' has element type code {code} and rank {rank}, which this version does not define");
            }

            var dtype = (ScalarType)code;
            var shape = new long[rank];
            for (var d = 0; d < rank; d++)
            {
                shape[d] = reader.ReadInt64();
            }

            var data = reader.ReadBytes(reader.ReadInt64());
            if (result.ContainsKey(name))
            {
                throw new InvalidDataException($"tensor '{name}' appears twice");
            }

            result.Add(name, FromBytes(name, data, shape, dtype));
        }

        if (reader.Remaining != 0)
        {
            throw new InvalidDataException($"{reader.Remaining} bytes follow the last of its {count} tensors");
        }

        foreach (var tensor in result.Values)
        {
            tensor.DetachFromDisposeScope();
        }

        return result;
    }

    private static Tensor FromBytes(string name, byte[] data, long[] shape, ScalarType dtype)
    {
        try
        {
            return TensorBytes.FromLittleEndian(data, shape, dtype);
        }
        catch (Exception e) when (e is ArgumentException or TorchException)
        {
            throw new InvalidDataException($"tensor '{name}' has {data.Length} bytes, which do not match its shape [{string.Join(", ", shape)}] of {TensorDTypes.PythonName(dtype)}", e);
        }
    }

    /// <summary>Reads little-endian values, refusing any length that runs past the end of the encoding.</summary>
    private sealed class BoundedReader(Stream source, long length)
    {
        private readonly byte[] _scratch = new byte[8];

        public long Remaining { get; private set; } = length;

        public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Fill(4));

        public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Fill(8));

        public byte[] ReadBytes(long count)
        {
            if (count < 0 || count > Remaining || count > Array.MaxLength)
            {
                throw new InvalidDataException($"a length of {count} bytes runs past the end of the data ({Remaining} bytes left)");
            }

            var bytes = new byte[count];
            source.ReadExactly(bytes);
            Remaining -= count;
            return bytes;
        }

        private ReadOnlySpan<byte> Fill(int count)
        {
            if (count > Remaining)
            {
                throw new InvalidDataException($"the data ends inside a tensor record ({Remaining} bytes left where {count} are needed)");
            }

            source.ReadExactly(_scratch, 0, count);
            Remaining -= count;
            return _scratch.AsSpan(0, count);
        }
    }
}
