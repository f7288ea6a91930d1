using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// The manifest of a <see cref="ModelArchive"/> (<c>manifest.json</c>), read and validated: its own
/// CRC-32, its JSON, the fields the archive sets, the format version and kind.
/// </summary>
internal sealed class ModelArchiveManifest
{
    /// <summary>The largest manifest read, in bytes: more means the archive is damaged.</summary>
    public const int MaxLength = 16 << 20;

    private ModelArchiveManifest(JsonObject json, int formatVersion, string libraryVersion, IReadOnlyList<ManifestEntry> entries)
    {
        Json = json;
        FormatVersion = formatVersion;
        LibraryVersion = libraryVersion;
        Entries = entries;
    }

    /// <summary>The whole manifest.</summary>
    public JsonObject Json { get; }

    /// <summary>The archive format version that wrote it (1 to <see cref="ModelArchive.FormatVersion"/>).</summary>
    public int FormatVersion { get; }

    /// <summary>The version of Microsoft.ML.CamLoss that wrote it.</summary>
    public string LibraryVersion { get; }

    /// <summary>The named entries, in manifest order.</summary>
    public IReadOnlyList<ManifestEntry> Entries { get; }

    /// <summary>Reads and validates the manifest of the archive at <paramref name="path"/>.</summary>
    /// <exception cref="ModelFileException">The manifest is damaged, of a newer format version, or of another kind.</exception>
    public static ModelArchiveManifest Read(string path, ZipArchiveEntry entry, string expectedKind)
    {
        var json = Parse(path, ReadVerified(path, entry));
        var kind = json[ModelArchiveLayout.FormatField] is JsonValue kindValue && kindValue.TryGetValue<string>(out var k)
            ? k
            : throw Corrupt(path, $"it has no \"{ModelArchiveLayout.FormatField}\" string");
        var version = json[ModelArchiveLayout.FormatVersionField] is JsonValue versionValue && versionValue.TryGetValue<int>(out var v)
            ? v
            : throw Corrupt(path, $"it has no integer \"{ModelArchiveLayout.FormatVersionField}\"");
        var libraryVersion = json[ModelArchiveLayout.LibraryVersionField] is JsonValue libraryValue && libraryValue.TryGetValue<string>(out var l) ? l : null;
        if (version < 1)
        {
            throw Corrupt(path, $"its {ModelArchiveLayout.FormatVersionField} is {version}, and format versions start at 1");
        }

        if (version > ModelArchive.FormatVersion)
        {
            throw new ModelFileException(path,
                $"it was written by Microsoft.ML.CamLoss {libraryVersion ?? "(unknown version)"} in archive format version {version}, but this library " +
                $"(Microsoft.ML.CamLoss {ModelArchiveLayout.LibraryVersion}) reads format versions up to {ModelArchive.FormatVersion}. Update Microsoft.ML.CamLoss to open it.");
        }

        CheckKind(path, kind, expectedKind);
        CheckCallerFields(path, json);
        return new ModelArchiveManifest(json, version,
            libraryVersion ?? throw Corrupt(path, $"it has no \"{ModelArchiveLayout.LibraryVersionField}\" string"),
            ReadEntries(path, json));
    }

    /// <summary>The caller's fields (class names, preprocessing, …) must hash to the recorded SHA-256, where one is recorded.</summary>
    private static void CheckCallerFields(string path, JsonObject json)
    {
        if (json[ModelArchiveLayout.CallerFieldsSha256Field] is not { } recorded)
        {
            return;   // written before the field existed
        }

        if (recorded is not JsonValue value || !value.TryGetValue<string>(out var sha256) || sha256 != ModelArchiveLayout.CallerFieldsSha256(json))
        {
            throw Corrupt(path, $"its fields (class names, preprocessing, …) do not match their SHA-256 in \"{ModelArchiveLayout.CallerFieldsSha256Field}\": it was edited after it was written");
        }
    }

    /// <summary>The manifest error: what is wrong with it, and what to do.</summary>
    public static ModelFileException Corrupt(string path, string detail, Exception? inner = null) =>
        new(path, $"its manifest ({ModelArchiveLayout.ManifestFileName}) is corrupt: {detail}. The file was damaged or not written by Microsoft.ML.CamLoss; copy it again or retrain.", inner);

    /// <summary>The manifest's bytes, checked against the zip's CRC-32 so that no damage goes unnoticed.</summary>
    private static byte[] ReadVerified(string path, ZipArchiveEntry entry)
    {
        if (entry.Length is < 0 or > MaxLength)
        {
            throw Corrupt(path, $"the zip archive records a length of {entry.Length} bytes, where manifests are at most {MaxLength} bytes");
        }

        var bytes = new byte[entry.Length];
        try
        {
            using var stream = entry.Open();
            stream.ReadExactly(bytes);
            if (stream.ReadByte() != -1)
            {
                throw Corrupt(path, $"it is longer than the {entry.Length} bytes the zip archive records");
            }
        }
        catch (Exception e) when (e is not ModelFileException)
        {
            throw Corrupt(path, $"it cannot be decompressed ({ModelFileException.Quote(e)})", e);
        }

        if (Crc32.Compute(bytes) != entry.Crc32)
        {
            throw Corrupt(path, "its CRC-32 does not match the one the zip archive records");
        }

        return bytes;
    }

    private static JsonObject Parse(string path, byte[] bytes)
    {
        try
        {
            var json = JsonNode.Parse(bytes) as JsonObject ?? throw Corrupt(path, "it is not a JSON object");
            _ = json.Count; // Builds the property table now, so that a repeated property fails here.
            return json;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            throw Corrupt(path, $"it is not valid JSON ({ModelFileException.Quote(e)})", e);
        }
    }

    private static void CheckKind(string path, string kind, string expectedKind)
    {
        if (kind == expectedKind)
        {
            return;
        }

        throw new ModelFileException(path, kind switch
        {
            ModelArchive.CheckpointKind =>
                "it is a CamLoss training checkpoint: resume training from it, or load its model with ImageClassificationModel.FromCheckpoint.",
            ModelArchive.ModelKind =>
                "it is a model file of version 1 of this library, which this version no longer reads: the network's file is now the training checkpoint in the run folder (ImageClassificationModel.FromCheckpoint), the deployable model ML.NET's zip. Use the run folder's checkpoint, or train again.",
            _ => $"its manifest names the format '{kind}', so it is not a CamLoss {ModelArchiveLayout.Noun(expectedKind)}. Check the path.",
        });
    }

    private static List<ManifestEntry> ReadEntries(string path, JsonObject json)
    {
        if (json[ModelArchiveLayout.EntriesField] is not JsonObject entries)
        {
            throw Corrupt(path, $"it has no \"{ModelArchiveLayout.EntriesField}\" object");
        }

        var result = new List<ManifestEntry>(entries.Count);
        foreach (var (name, value) in entries)
        {
            if (!ModelArchiveLayout.IsValidEntryName(name))
            {
                throw Corrupt(path, $"it lists an entry named '{name}', which is not a valid entry name");
            }

            var sha256 = value is JsonObject fields && fields[ModelArchiveLayout.Sha256Field] is JsonValue shaValue && shaValue.TryGetValue<string>(out var s) ? s : null;
            var length = value is JsonObject fields2 && fields2[ModelArchiveLayout.BytesField] is JsonValue lengthValue && lengthValue.TryGetValue<long>(out var n) ? n : -1;
            if (sha256 is null || sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower) || length < 0)
            {
                throw Corrupt(path, $"entry '{name}' lacks a valid \"{ModelArchiveLayout.Sha256Field}\" (64 lowercase hex digits) or \"{ModelArchiveLayout.BytesField}\" (a length)");
            }

            result.Add(new ManifestEntry(name, sha256, length));
        }

        return result;
    }
}
