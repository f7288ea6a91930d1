using System.Reflection;
using System.Text.Json.Nodes;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// The names inside a <see cref="ModelArchive"/>: the manifest, the zip entry of each named entry,
/// the manifest fields the archive sets, the two kinds and how messages call them.
/// </summary>
/// <remarks>
/// The zip holds <c>manifest.json</c> plus one zip entry per named entry: <c>&lt;name&gt;.tensors</c>
/// for tensors (the encoding of <see cref="ModelWeightsPayload"/>, stored uncompressed) and
/// <c>&lt;name&gt;.bytes</c> for raw bytes (stored uncompressed).
/// </remarks>
internal static class ModelArchiveLayout
{
    /// <summary>The zip entry holding the JSON manifest.</summary>
    public const string ManifestFileName = "manifest.json";

    /// <summary>Manifest field: the kind (<see cref="ModelArchive.ModelKind"/> or <see cref="ModelArchive.CheckpointKind"/>).</summary>
    public const string FormatField = "format";

    /// <summary>Manifest field: the archive format version (an integer).</summary>
    public const string FormatVersionField = "formatVersion";

    /// <summary>Manifest field: the version of Microsoft.ML.CamLoss that wrote the file.</summary>
    public const string LibraryVersionField = "libraryVersion";

    /// <summary>Manifest field: when the file was written (ISO 8601, UTC).</summary>
    public const string CreatedUtcField = "createdUtc";

    /// <summary>Manifest field: the SHA-256 and length of each named entry.</summary>
    public const string EntriesField = "entries";

    /// <summary>
    /// Manifest field: the SHA-256 (lowercase hex) of the caller's fields (class names, preprocessing, …) — see
    /// <see cref="CallerFieldsSha256"/>. The zip's CRC-32 catches damage to the manifest; this catches an edit that
    /// rewrote it (swapped class names would otherwise load as a silently wrong model). Files written before it existed
    /// lack it and load as before.
    /// </summary>
    public const string CallerFieldsSha256Field = "fieldsSha256";

    /// <summary>Field of an entry in <see cref="EntriesField"/>: the SHA-256 of its content, lowercase hex.</summary>
    public const string Sha256Field = "sha256";

    /// <summary>Field of an entry in <see cref="EntriesField"/>: the length of its content in bytes.</summary>
    public const string BytesField = "bytes";

    /// <summary>The longest entry name accepted.</summary>
    public const int MaxEntryNameLength = 100;

    private const string TensorsSuffix = ".tensors";
    private const string BytesSuffix = ".bytes";

    /// <summary>The manifest fields set by the archive, which replace any the caller gave.</summary>
    public static IReadOnlyList<string> ArchiveFields { get; } = [FormatField, FormatVersionField, LibraryVersionField, CreatedUtcField, EntriesField, CallerFieldsSha256Field];

    /// <summary>
    /// SHA-256, lowercase hex, of the compact JSON (System.Text.Json's default writer) of <paramref name="manifest"/>'s fields that
    /// are not <see cref="ArchiveFields"/>, in their order: the same text whether the object was built in memory or parsed from
    /// the written manifest (indentation aside, the writer emits what it would emit again).
    /// </summary>
    public static string CallerFieldsSha256(JsonObject manifest)
    {
        var callerFields = new JsonObject();
        foreach (var (field, value) in manifest)
        {
            if (!ArchiveFields.Contains(field))
            {
                callerFields[field] = value?.DeepClone();
            }
        }

        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(callerFields.ToJsonString())));
    }

    /// <summary>This library's version as written in manifests: the informational version without a <c>+commit</c> suffix.</summary>
    public static string LibraryVersion { get; } = ReadLibraryVersion();

    /// <summary>The zip entry of a named entry holding tensors.</summary>
    public static string TensorsFileName(string entryName) => entryName + TensorsSuffix;

    /// <summary>The zip entry of a named entry holding bytes.</summary>
    public static string BytesFileName(string entryName) => entryName + BytesSuffix;

    /// <summary>True when a zip entry name is one this layout gives to a named entry.</summary>
    public static bool IsEntryFileName(string fileName) =>
        fileName.EndsWith(TensorsSuffix, StringComparison.Ordinal) || fileName.EndsWith(BytesSuffix, StringComparison.Ordinal);

    /// <summary>
    /// True for a plain entry name: 1 to <see cref="MaxEntryNameLength"/> ASCII letters, digits,
    /// '-', '_' or '.', starting with a letter or digit.
    /// </summary>
    public static bool IsValidEntryName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxEntryNameLength && char.IsAsciiLetterOrDigit(name[0]) &&
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>Throws unless <paramref name="kind"/> is one of the two archive kinds.</summary>
    /// <exception cref="ArgumentException">Another kind, or null or empty.</exception>
    public static void CheckKind(string kind, string parameterName)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind, parameterName);
        if (kind is not (ModelArchive.ModelKind or ModelArchive.CheckpointKind))
        {
            throw new ArgumentException(
                $"The archive kind '{kind}' is not defined; use ModelArchive.ModelKind (\"{ModelArchive.ModelKind}\") or ModelArchive.CheckpointKind (\"{ModelArchive.CheckpointKind}\").",
                parameterName);
        }
    }

    /// <summary>How messages call a file of <paramref name="kind"/>: "model file" or "training checkpoint".</summary>
    public static string Noun(string kind) => kind == ModelArchive.CheckpointKind ? "training checkpoint" : "model file";

    private static string ReadLibraryVersion() => PackageVersion(typeof(ModelArchiveLayout).Assembly);

    /// <summary>The package version an assembly was built as: its informational version without the <c>+commit</c> suffix.</summary>
    public static string PackageVersion(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString(3)
            ?? "unknown";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 ? version[..plus] : version;
    }
}
