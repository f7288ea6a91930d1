using System.Buffers.Binary;
using System.Security.Cryptography;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// This library's own model-weights file: an ordered name → tensor dict, versioned and checksummed,
/// read back bit for bit (every supported dtype, NaN payloads included).
/// </summary>
/// <remarks>
/// <para>Layout, all integers little-endian. Header (56 bytes): the magic <c>CAMLOSSW</c> (8 bytes
/// ASCII), the format version (uint32, <see cref="FormatVersion"/>), flags (uint32, 0), the payload
/// length in bytes (int64) and the SHA-256 of the payload (32 bytes). Payload, to the end of the
/// file: the tensor count (int32), then per tensor the name (int32 byte length + UTF-8), the element
/// type (int32, libtorch's <see cref="ScalarType"/> code: 0 uint8, 3 int32, 4 int64, 5 float16, 6 float32, 7 float64, 11 bool, 15 bfloat16), the rank (int32), the sizes (int64 each),
/// the data length (int64) and the elements in row-major order. The payload is the same encoding as
/// each tensor entry of a <see cref="ModelArchive"/>.</para>
/// <para>Views are saved as their own elements: tensors that shared a storage are read back as
/// separate tensors. Files are written to a temporary file that replaces <c>path</c> only once
/// complete, so an interrupted save never leaves a half-written file under the real name.</para>
/// </remarks>
public static class ModelWeightsFile
{
    /// <summary>The format version this library writes, and the only one it reads.</summary>
    public const int FormatVersion = 1;

    private const int HeaderLength = 56;
    private const int PayloadLengthOffset = 16;

    /// <summary>The first 8 bytes of every weights file.</summary>
    internal static ReadOnlySpan<byte> Magic => "CAMLOSSW"u8;

    /// <summary>Writes <paramref name="tensors"/> (from any device, in enumeration order) to <paramref name="path"/>, replacing it.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="tensors">Tensors by name, e.g. a module's <c>state_dict()</c>; they are only read and the caller keeps ownership.</param>
    /// <exception cref="ArgumentException">A name is empty or repeated, or a tensor's element type is not supported.</exception>
    /// <exception cref="ArgumentNullException">An argument or a tensor is null.</exception>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var entries = ModelWeightsPayload.ToCheckedList(tensors, nameof(tensors));

        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                WriteFile(file, entries);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary); // Gone already after a successful move.
        }
    }

    /// <summary>Reads a weights file written by <see cref="Save"/>, verifying its checksum first.</summary>
    /// <param name="path">The weights file.</param>
    /// <returns>Contiguous CPU tensors by name, in the saved order. The caller owns them and must dispose each one;
    /// they belong to no dispose scope.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">Wrong magic (not a weights file), unsupported version, truncated file, or checksum mismatch (corrupted).</exception>
    public static OrderedDictionary<string, Tensor> Load(string path)
    {
        using var file = StateDictFile.OpenRead(path);
        var payloadLength = ReadHeader(path, file, out var checksum);
        var actual = SHA256.HashData(file);
        if (!actual.AsSpan().SequenceEqual(checksum))
        {
            throw new CheckpointFormatException(path,
                $"checksum mismatch: the SHA-256 of its {payloadLength}-byte payload is {Convert.ToHexString(actual)} but its header records " +
                $"{Convert.ToHexString(checksum)}, so the file is corrupted (a damaged copy, download or disk). Restore it from the original or save the model again.");
        }

        file.Position = HeaderLength;
        try
        {
            return ModelWeightsPayload.Read(file, payloadLength);
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointFormatException(path, "its payload ends inside a tensor although the checksum matches; the file was not written by ModelWeightsFile.Save.", e);
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointFormatException(path, $"{e.Message}, although the checksum matches; the file was not written by ModelWeightsFile.Save.", e);
        }
    }

    private static void WriteFile(FileStream file, List<KeyValuePair<string, Tensor>> entries)
    {
        file.Write(new byte[HeaderLength]);
        byte[] checksum;
        using (var hashing = new Sha256Stream(file, leaveOpen: true))
        {
            ModelWeightsPayload.Write(hashing, entries);
            checksum = hashing.Hash();
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(header[PayloadLengthOffset..], file.Position - HeaderLength);
        checksum.CopyTo(header[24..]);
        file.Position = 0;
        file.Write(header);
    }

    /// <summary>Checks magic, version, flags and length; returns the payload length, leaves the stream at the payload.</summary>
    private static long ReadHeader(string path, FileStream file, out byte[] checksum)
    {
        var header = new byte[HeaderLength];
        var read = file.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false);
        if (read < Magic.Length || !header.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new CheckpointFormatException(path,
                $"it is not a CamLoss weights file: it starts with {WeightsFileSniffer.Describe(header[..read])} instead of the magic " +
                $"{Convert.ToHexString(Magic)} (\"CAMLOSSW\"). To read a PyTorch checkpoint or a .safetensors file, use StateDictFile.Read.");
        }

        if (read < HeaderLength)
        {
            throw new CheckpointFormatException(path, $"it is {read} bytes long, shorter than the {HeaderLength}-byte header: it is truncated. Restore it or save the model again.");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8));
        if (version != FormatVersion)
        {
            throw new CheckpointFormatException(path,
                $"it has weights file format version {version}, but this library reads version {FormatVersion} only" +
                (version > FormatVersion ? ": it was written by a newer version of Microsoft.ML.CamLoss; update the library." : "; the file is damaged."));
        }

        var flags = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(12));
        if (flags != 0)
        {
            throw new CheckpointFormatException(path, $"its header has flags 0x{flags:x}, which version {FormatVersion} does not define; the file is damaged or from a newer library.");
        }

        var payloadLength = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(PayloadLengthOffset));
        var actual = file.Length - HeaderLength;
        if (payloadLength != actual)
        {
            throw new CheckpointFormatException(path, payloadLength > actual
                ? $"its header announces a {payloadLength}-byte payload but only {actual} bytes follow: it is truncated (an interrupted copy or save?). Restore it or save the model again."
                : $"{actual - payloadLength} bytes follow the {payloadLength}-byte payload its header announces; the file is damaged.");
        }

        checksum = header[24..];
        return payloadLength;
    }
}
