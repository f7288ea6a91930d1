using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// A small reader of MATLAB 5 (level 5, "-v6"/"-v7") <c>.mat</c> files, enough for published
/// data set lists such as Stanford Dogs' <c>train_list.mat</c>: numeric and logical arrays (to
/// double), char arrays (UTF-8/16/32, UINT8/16 storage), cell and struct arrays, zlib-compressed
/// elements (<c>miCOMPRESSED</c>), either byte order. Sparse, object and complex arrays, and
/// HDF5-based "-v7.3" files, are rejected with a <see cref="DatasetException"/> naming the file.
/// </summary>
public sealed class MatFile
{
    private const int MiInt8 = 1, MiUInt8 = 2, MiInt16 = 3, MiUInt16 = 4, MiInt32 = 5, MiUInt32 = 6, MiSingle = 7, MiDouble = 9,
        MiInt64 = 12, MiUInt64 = 13, MiMatrix = 14, MiCompressed = 15, MiUtf8 = 16, MiUtf16 = 17, MiUtf32 = 18;

    private const int CellClass = 1, StructClass = 2, CharClass = 4;

    private readonly Dictionary<string, MatArray> _variables;

    private MatFile(string path, Dictionary<string, MatArray> variables)
    {
        Path = path;
        _variables = variables;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The top-level variables by name.</summary>
    public IReadOnlyDictionary<string, MatArray> Variables => _variables;

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="DatasetException">The file is missing, not a MATLAB 5 file, truncated, or holds an element this reader does not support.</exception>
    public static MatFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = System.IO.Path.GetFullPath(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DatasetException(path, "the .mat file does not exist.", innerException: e);
        }

        return Parse(bytes, path);
    }

    /// <summary>Parses the bytes of a MATLAB 5 file; <paramref name="name"/> goes into error messages.</summary>
    public static MatFile Parse(byte[] bytes, string name)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < 128 || !Encoding.ASCII.GetString(bytes, 0, 6).Equals("MATLAB", StringComparison.Ordinal))
        {
            throw new DatasetException(name, "is not a MATLAB 5 .mat file (it must start with a 128-byte header beginning 'MATLAB').");
        }

        var littleEndian = (bytes[126], bytes[127]) switch
        {
            ((byte)'I', (byte)'M') => true,
            ((byte)'M', (byte)'I') => false,
            _ => throw new DatasetException(name, Encoding.ASCII.GetString(bytes, 0, 19) == "MATLAB 7.3 MAT-file"
                ? "is a MATLAB 7.3 (HDF5) file; save it with -v7 or -v6 to read it here."
                : "the .mat header's byte-order mark (bytes 126–127) is neither 'IM' nor 'MI'."),
        };

        var variables = new Dictionary<string, MatArray>(StringComparer.Ordinal);
        var reader = new Reader(bytes, 128, bytes.Length, littleEndian, name);
        while (reader.Remaining >= 8)
        {
            if (reader.ReadElement() is { } array && array.Name.Length > 0)
            {
                variables[array.Name] = array;
            }
        }

        return new MatFile(name, variables);
    }

    /// <summary>The variable <paramref name="name"/> as <typeparamref name="T"/>, or a <see cref="DatasetException"/> saying it is missing or of another kind.</summary>
    public T Get<T>(string name)
        where T : MatArray =>
        !_variables.TryGetValue(name, out var value)
            ? throw new DatasetException(Path, $"has no variable '{name}' (it holds: {string.Join(", ", _variables.Keys)}).")
            : value as T ?? throw new DatasetException(Path, $"the variable '{name}' is a {value.GetType().Name}, not a {typeof(T).Name}.");

    /// <summary>A cell array of strings (e.g. <c>file_list</c>) as its strings, column-major.</summary>
    public string[] GetStrings(string name)
    {
        var cells = Get<MatCellArray>(name);
        return [.. cells.Cells.Select((c, i) => c is MatCharArray text ? text.Text
            : c is MatNumericArray { Count: 0 } ? string.Empty
            : throw new DatasetException(Path, $"element {i + 1} of the cell array '{name}' is a {c.GetType().Name}, not a char array."))];
    }

    /// <summary>The most bytes one compressed element may inflate to: 256 MiB (Stanford Dogs' lists inflate to a few MB).</summary>
    public const int MaxInflatedBytes = 256 << 20;

    /// <summary>A numeric array (e.g. <c>labels</c>) as its values, column-major.</summary>
    public double[] GetNumbers(string name) => [.. Get<MatNumericArray>(name).Values];

    /// <summary>A bounds-checked cursor over one level of data elements.</summary>
    private sealed class Reader(byte[] bytes, int start, int end, bool littleEndian, string name)
    {
        private int _position = start;

        public int Remaining => end - _position;

        /// <summary>Reads one element: a matrix (returned) or a compressed block holding one; other top-level elements are skipped.</summary>
        public MatArray? ReadElement()
        {
            var (type, data, next) = Tag();
            if (type == MiCompressed)
            {
                var inflated = Inflate(data);
                var inner = new Reader(inflated, 0, inflated.Length, littleEndian, name);
                var (innerType, innerData, _) = inner.Tag();
                _position = next;
                return innerType == MiMatrix ? inner.Matrix(innerData) : null;
            }

            _position = next;
            return type == MiMatrix ? Matrix(data) : null;
        }

        /// <summary>
        /// The next tag: type and data range, and where the following element starts. A small data
        /// element packs size and type in the first 4 bytes and its data in the next 4.
        /// </summary>
        private (int Type, (int Start, int Length) Data, int Next) Tag()
        {
            Need(8, "a data element tag");
            var first = U32(_position);
            if ((first >> 16) != 0)
            {
                var small = ((int)(first & 0xFFFF), ((_position + 4), (int)(first >> 16)), _position + 8);
                if (small.Item2.Item2 > 4)
                {
                    throw Error($"a small data element claims {small.Item2.Item2} bytes (at most 4)");
                }

                return small;
            }

            var type = (int)first;
            var length = U32(_position + 4);
            var dataStart = _position + 8;
            if (length > (uint)(end - dataStart))
            {
                throw Error($"an element of type {type} claims {length} bytes but only {end - dataStart} remain (truncated file)");
            }

            var padded = type == MiCompressed ? (int)length : (int)((length + 7) & ~7u);
            return (type, (dataStart, (int)length), Math.Min(dataStart + padded, end));
        }

        private MatArray Matrix((int Start, int Length) data)
        {
            if (data.Length == 0)
            {
                return new MatNumericArray(string.Empty, [0, 0], []);
            }

            var r = new Reader(bytes, data.Start, data.Start + data.Length, littleEndian, name);
            var flags = r.Sub(MiUInt32, "array flags");
            if (flags.Length < 8)
            {
                throw Error("the array flags are shorter than 8 bytes");
            }

            var flagWord = U32(flags.Start);
            var arrayClass = (int)(flagWord & 0xFF);
            var complex = (flagWord & 0x800) != 0;
            var dimsData = r.Sub(MiInt32, "dimensions");
            var dims = new int[dimsData.Length / 4];
            for (var i = 0; i < dims.Length; i++)
            {
                dims[i] = (int)U32(dimsData.Start + (4 * i));
            }

            if (dims.Length < 2 || dims.Any(d => d < 0))
            {
                throw Error($"the dimensions [{string.Join(", ", dims)}] are invalid");
            }

            var nameData = r.Sub(MiInt8, "array name");
            var arrayName = Encoding.ASCII.GetString(bytes, nameData.Start, nameData.Length);
            var count = dims.Aggregate(1L, (a, b) => a * b);
            switch (arrayClass)
            {
                case CellClass:
                    var cells = new MatArray[count];
                    for (var i = 0; i < count; i++)
                    {
                        var (type, cell, next) = r.Tag();
                        if (type != MiMatrix)
                        {
                            throw Error($"cell {i + 1} of '{arrayName}' is an element of type {type}, not a matrix");
                        }

                        r._position = next;
                        cells[i] = r.Matrix(cell);
                    }

                    return new MatCellArray(arrayName, dims, cells);
                case StructClass:
                    var fieldLength = r.Sub(MiInt32, "struct field name length");
                    var width = (int)U32(fieldLength.Start);
                    var namesData = r.Sub(MiInt8, "struct field names");
                    if (width <= 0 || namesData.Length % width != 0)
                    {
                        throw Error($"the struct '{arrayName}' has field names of {namesData.Length} bytes, not a multiple of {width}");
                    }

                    var fields = Enumerable.Range(0, namesData.Length / width)
                        .Select(f => Encoding.ASCII.GetString(bytes, namesData.Start + (f * width), width).TrimEnd('\0')).ToArray();
                    var elements = new IReadOnlyDictionary<string, MatArray>[count];
                    for (var i = 0; i < count; i++)
                    {
                        var values = new Dictionary<string, MatArray>(StringComparer.Ordinal);
                        foreach (var field in fields)
                        {
                            var (type, value, next) = r.Tag();
                            if (type != MiMatrix)
                            {
                                throw Error($"field '{field}' of '{arrayName}' is an element of type {type}, not a matrix");
                            }

                            r._position = next;
                            values[field] = r.Matrix(value);
                        }

                        elements[i] = values;
                    }

                    return new MatStructArray(arrayName, dims, elements);
                case CharClass:
                    var chars = r.Numbers(r.Next("char data"), out var charType);
                    return new MatCharArray(arrayName, dims, Text(chars, charType, dims, arrayName));
                case >= 6 and <= 15:
                    if (complex)
                    {
                        throw Error($"'{arrayName}' is complex; only real arrays are supported");
                    }

                    var real = r.Numbers(r.Next("real part"), out _);
                    if (real.Length != count)
                    {
                        throw Error($"'{arrayName}' is [{string.Join(", ", dims)}] but holds {real.Length} values");
                    }

                    return new MatNumericArray(arrayName, dims, real);
                default:
                    throw Error($"'{arrayName}' is of MATLAB class {arrayClass} (sparse, object or function handle), which this reader does not support");
            }
        }

        private string Text(double[] codes, int storage, int[] dims, string arrayName)
        {
            if (storage is MiUtf8 or MiUInt8 or MiInt8 && codes.Any(c => c > 127))
            {
                // UTF-8 stored as bytes: decode the byte sequence (column-major rows are rare for non-ASCII text).
                var text = Encoding.UTF8.GetString([.. codes.Select(c => (byte)c)]);
                return dims[0] <= 1 ? text : throw Error($"the multi-row char array '{arrayName}' holds non-ASCII UTF-8");
            }

            var rows = dims[0];
            var columns = rows == 0 ? 0 : codes.Length / rows;
            var builder = new StringBuilder(codes.Length + rows);
            for (var row = 0; row < rows; row++)
            {
                if (row > 0)
                {
                    builder.Append('\n');
                }

                for (var col = 0; col < columns; col++)
                {
                    builder.Append(char.ConvertFromUtf32((int)codes[(col * rows) + row]));
                }
            }

            return builder.ToString();
        }

        /// <summary>The next element, which must be of <paramref name="type"/>.</summary>
        private (int Start, int Length) Sub(int type, string what)
        {
            var (actual, data, next) = Tag();
            if (actual != type && !(type == MiInt8 && actual == MiUInt8))
            {
                throw Error($"expected the {what} (element type {type}) but found element type {actual}");
            }

            _position = next;
            return data;
        }

        private (int Type, (int Start, int Length) Data) Next(string what)
        {
            if (Remaining < 8)
            {
                return (MiDouble, (_position, 0));
            }

            var (type, data, next) = Tag();
            _position = next;
            return (type, data);
        }

        private double[] Numbers((int Type, (int Start, int Length) Data) element, out int type)
        {
            type = element.Type;
            var (start, length) = element.Data;
            var size = type switch
            {
                MiInt8 or MiUInt8 or MiUtf8 => 1,
                MiInt16 or MiUInt16 or MiUtf16 => 2,
                MiInt32 or MiUInt32 or MiSingle or MiUtf32 => 4,
                MiDouble or MiInt64 or MiUInt64 => 8,
                _ => throw Error($"numeric data of element type {type} is not supported"),
            };
            if (length % size != 0)
            {
                throw Error($"{length} bytes of element type {type} are not a whole number of {size}-byte values");
            }

            var values = new double[length / size];
            for (var i = 0; i < values.Length; i++)
            {
                var at = start + (i * size);
                values[i] = type switch
                {
                    MiInt8 => (sbyte)bytes[at],
                    MiUInt8 or MiUtf8 => bytes[at],
                    MiInt16 => (short)U16(at),
                    MiUInt16 or MiUtf16 => U16(at),
                    MiInt32 => (int)U32(at),
                    MiUInt32 or MiUtf32 => U32(at),
                    MiSingle => BitConverter.Int32BitsToSingle((int)U32(at)),
                    MiDouble => BitConverter.Int64BitsToDouble((long)U64(at)),
                    MiInt64 => (long)U64(at),
                    _ => U64(at),
                };
            }

            return values;
        }

        /// <summary>
        /// Inflates a compressed element to exactly the size its inner tag declares (8 bytes of tag plus the data), at
        /// most <see cref="MaxInflatedBytes"/>: a zlib stream that would inflate further is not inflated whole first.
        /// </summary>
        private byte[] Inflate((int Start, int Length) data)
        {
            var at = data.Start - 8;
            try
            {
                using var z = new ZLibStream(new MemoryStream(bytes, data.Start, data.Length), CompressionMode.Decompress);
                var tag = new byte[8];
                if (z.ReadAtLeast(tag, tag.Length, throwOnEndOfStream: false) < tag.Length)
                {
                    throw new DatasetException(name, $"the compressed element at byte {at} inflates to less than one tag (truncated).");
                }

                var first = littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(tag) : BinaryPrimitives.ReadUInt32BigEndian(tag);
                var declared = littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(tag.AsSpan(4)) : BinaryPrimitives.ReadUInt32BigEndian(tag.AsSpan(4));
                var total = (first >> 16) != 0 ? 8L : 8L + declared;   // a small element packs its data into the tag
                if (total > MaxInflatedBytes)
                {
                    throw new DatasetException(name, $"the compressed element at byte {at} declares {total:N0} bytes, more than the {MaxInflatedBytes:N0} this reader inflates; the file is damaged or not a list file.");
                }

                var inflated = new byte[total];
                tag.CopyTo(inflated, 0);
                var got = 8 + z.ReadAtLeast(inflated.AsSpan(8), (int)total - 8, throwOnEndOfStream: false);
                return got == total
                    ? inflated
                    : throw new DatasetException(name, $"the compressed element at byte {at} declares {total:N0} bytes but inflates to {got:N0} (truncated).");
            }
            catch (InvalidDataException e)
            {
                throw new DatasetException(name, $"the compressed element at byte {at} is not valid zlib data ({e.Message}).", innerException: e);
            }
        }

        private void Need(int count, string what)
        {
            if (end - _position < count)
            {
                throw Error($"the file ends inside {what} (truncated)");
            }
        }

        private ushort U16(int at) => littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at)) : BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at));

        private uint U32(int at) => littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at)) : BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at));

        private ulong U64(int at) => littleEndian ? BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at)) : BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(at));

        private DatasetException Error(string problem) => new(name, $"malformed .mat file at byte {_position}: {problem}.");
    }
}
