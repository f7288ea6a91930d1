using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// Writes the zip content of a <see cref="ModelArchive"/>: each entry stored uncompressed while its
/// SHA-256 is computed, then the manifest (deflated), which records those checksums.
/// </summary>
internal static class ModelArchiveWriter
{
    private static readonly JsonWriterOptions s_jsonOptions = new() { Indented = true };

    /// <summary>Writes the archive onto <paramref name="destination"/> (left open); arguments are checked by <see cref="ModelArchive.Write"/>.</summary>
    /// <exception cref="ArgumentException">A tensor entry has an empty or repeated name, or an unsupported element type.</exception>
    /// <exception cref="ArgumentNullException">A tensor is null.</exception>
    public static void Write(
        Stream destination,
        string kind,
        JsonObject manifest,
        IReadOnlyDictionary<string, IEnumerable<KeyValuePair<string, Tensor>>> tensorEntries,
        IReadOnlyDictionary<string, byte[]> byteEntries)
    {
        using var zip = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true);
        var entries = new JsonObject();
        foreach (var (name, tensors) in tensorEntries)
        {
            // Enumerated only now, entry by entry: a caller may produce tensors lazily.
            var list = ModelWeightsPayload.ToCheckedList(tensors, $"{nameof(tensorEntries)}[{name}]");
            entries[name] = WriteEntry(zip, ModelArchiveLayout.TensorsFileName(name), CompressionLevel.NoCompression, s => ModelWeightsPayload.Write(s, list));
        }

        foreach (var (name, bytes) in byteEntries)
        {
            entries[name] = WriteEntry(zip, ModelArchiveLayout.BytesFileName(name), CompressionLevel.NoCompression, s => s.Write(bytes));
        }

        var full = new JsonObject
        {
            [ModelArchiveLayout.FormatField] = kind,
            [ModelArchiveLayout.FormatVersionField] = ModelArchive.FormatVersion,
            [ModelArchiveLayout.LibraryVersionField] = ModelArchiveLayout.LibraryVersion,
            [ModelArchiveLayout.CreatedUtcField] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        };
        foreach (var (field, value) in manifest)
        {
            if (!ModelArchiveLayout.ArchiveFields.Contains(field))
            {
                full[field] = value?.DeepClone();
            }
        }

        full[ModelArchiveLayout.CallerFieldsSha256Field] = ModelArchiveLayout.CallerFieldsSha256(full);
        full[ModelArchiveLayout.EntriesField] = entries;
        WriteEntry(zip, ModelArchiveLayout.ManifestFileName, CompressionLevel.Optimal, s =>
        {
            using var writer = new Utf8JsonWriter(s, s_jsonOptions);
            full.WriteTo(writer);
        });
    }

    /// <summary>Writes one zip entry through a SHA-256; returns its manifest record.</summary>
    private static JsonObject WriteEntry(ZipArchive zip, string fileName, CompressionLevel level, Action<Stream> write)
    {
        var entry = zip.CreateEntry(fileName, level);
        using var stream = entry.Open();
        using var hashing = new Sha256Stream(stream, leaveOpen: true);
        write(hashing);
        hashing.Flush();
        return new JsonObject
        {
            [ModelArchiveLayout.Sha256Field] = hashing.HashHex(),
            [ModelArchiveLayout.BytesField] = hashing.Count,
        };
    }
}
