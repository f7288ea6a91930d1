using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// The file of a trained model, or of a training checkpoint: a zip archive holding a versioned JSON
/// manifest (<c>manifest.json</c>) and named entries of tensors or bytes, each recorded in the
/// manifest with its SHA-256 and length. Every checksum is verified when the file is opened, so a
/// damaged file fails with a <see cref="ModelFileException"/> and never yields a silently wrong model.
/// </summary>
/// <remarks>
/// <para>Tensor entries hold the encoding of <see cref="ModelWeightsFile"/>'s payload (names, element
/// types, shapes and little-endian elements, bit for bit); they and byte entries are stored
/// uncompressed, the manifest is deflated. What the manifest says beyond the fields set here
/// (architecture, class names, preprocessing ...) is up to the caller.</para>
/// <para>Example: <c>ModelArchive.Write(path, ModelArchive.ModelKind, new JsonObject { ["architecture"] = "resnet18" },
/// new Dictionary&lt;string, IEnumerable&lt;KeyValuePair&lt;string, Tensor&gt;&gt;&gt; { ["weights"] = model.state_dict() })</c>, then
/// <c>using var reader = ModelArchive.Open(path, ModelArchive.ModelKind); var weights = reader.ReadTensors("weights");</c></para>
/// </remarks>
public static class ModelArchive
{
    /// <summary>The archive format version this library writes; it reads versions 1 to this one.</summary>
    public const int FormatVersion = 1;

    /// <summary>The kind (manifest <c>format</c>) of version 1's model file: no longer written; recognised so that opening one says what it is.</summary>
    public const string ModelKind = "camloss-model";

    /// <summary>The kind (manifest <c>format</c>) of a training checkpoint, written during training to resume it.</summary>
    public const string CheckpointKind = "camloss-checkpoint";

    /// <summary>
    /// Writes an archive to <paramref name="path"/>, atomically: the file is written to a temporary file
    /// in the same folder, flushed to disk, then moved over <paramref name="path"/>. On any exception the
    /// temporary file is deleted and a file already at <paramref name="path"/> is left untouched.
    /// </summary>
    /// <param name="path">The file to write (its folder must exist).</param>
    /// <param name="kind"><see cref="ModelKind"/> or <see cref="CheckpointKind"/>.</param>
    /// <param name="manifest">The caller's manifest fields; a deep copy is written (the object is not modified), plus
    /// <c>format</c> (= <paramref name="kind"/>), <c>formatVersion</c>, <c>libraryVersion</c> (this library's version without a
    /// <c>+commit</c> suffix), <c>createdUtc</c> (ISO 8601) and <c>entries</c> (<c>{ "name": { "sha256": "lowercase hex", "bytes": length } }</c>),
    /// which replace any fields of these names in <paramref name="manifest"/>.</param>
    /// <param name="tensorEntries">Named tensor entries (e.g. <c>weights</c> → a module's <c>state_dict()</c>): each is enumerated once,
    /// while writing, and its tensors (any device, any layout) are written in enumeration order. They are only read: the caller keeps
    /// ownership, so a module's live parameters can be passed as they are.</param>
    /// <param name="byteEntries">Named entries of raw bytes, or null for none.</param>
    /// <exception cref="ArgumentException">An argument is empty; <paramref name="kind"/> is not one of the two kinds; an entry name is not
    /// 1 to 100 ASCII letters, digits, '-', '_' or '.' starting with a letter or digit, or is used by both a tensor and a byte entry;
    /// a tensor name is empty or repeated within an entry, or a tensor's element type is not supported.</exception>
    /// <exception cref="ArgumentNullException">An argument, an entry or a tensor is null.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(
        string path,
        string kind,
        JsonObject manifest,
        IReadOnlyDictionary<string, IEnumerable<KeyValuePair<string, Tensor>>> tensorEntries,
        IReadOnlyDictionary<string, byte[]>? byteEntries = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ModelArchiveLayout.CheckKind(kind, nameof(kind));
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(tensorEntries);
        byteEntries ??= new Dictionary<string, byte[]>();
        foreach (var (name, tensors) in tensorEntries)
        {
            CheckEntryName(name, nameof(tensorEntries));
            ArgumentNullException.ThrowIfNull(tensors, $"{nameof(tensorEntries)}[{name}]");
        }

        foreach (var (name, bytes) in byteEntries)
        {
            CheckEntryName(name, nameof(byteEntries));
            ArgumentNullException.ThrowIfNull(bytes, $"{nameof(byteEntries)}[{name}]");
            if (tensorEntries.ContainsKey(name))
            {
                throw new ArgumentException($"The entry name '{name}' is used by both a tensor entry and a byte entry.", nameof(byteEntries));
            }
        }

        AtomicFile.Write(path, file => ModelArchiveWriter.Write(file, kind, manifest, tensorEntries, byteEntries));
    }

    /// <summary>
    /// Opens the archive at <paramref name="path"/> and validates it: its manifest, format version and
    /// kind, and the SHA-256 and length of every entry.
    /// </summary>
    /// <param name="path">The model or checkpoint file.</param>
    /// <param name="expectedKind"><see cref="ModelKind"/> or <see cref="CheckpointKind"/>: what the caller means to load.</param>
    /// <returns>The reader, which keeps the file open: the caller disposes it.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty, or <paramref name="expectedKind"/> is not one of the two kinds.</exception>
    /// <exception cref="ModelFileException">The file is missing or unreadable; is a CamLoss weights-only file, a PyTorch checkpoint or
    /// not a CamLoss archive; is corrupt or truncated; is of the other kind; or was written in a newer format version. The message
    /// names the file and says what to do.</exception>
    public static ModelArchiveReader Open(string path, string expectedKind)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ModelArchiveLayout.CheckKind(expectedKind, nameof(expectedKind));
        return ModelArchiveReader.Open(path, expectedKind);
    }

    private static void CheckEntryName(string name, string parameterName)
    {
        if (!ModelArchiveLayout.IsValidEntryName(name))
        {
            throw new ArgumentException(
                $"The entry name '{name}' is not valid: use 1 to {ModelArchiveLayout.MaxEntryNameLength} ASCII letters, digits, '-', '_' or '.', starting with a letter or digit (e.g. \"weights\").",
                parameterName);
        }
    }
}
