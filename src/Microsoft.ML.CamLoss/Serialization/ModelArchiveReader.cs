using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// An open, validated <see cref="ModelArchive"/>: its manifest, and its entries read on demand, each
/// checked against its SHA-256 again as it is read. Opened by <see cref="ModelArchive.Open"/>.
/// </summary>
/// <remarks>Keeps the file open (shared for reading) until disposed; on Windows, writing over the file
/// fails meanwhile. Not thread-safe: read entries one at a time.</remarks>
public sealed class ModelArchiveReader : IDisposable
{
    private readonly FileStream _file;
    private readonly ZipArchive _zip;
    private readonly Dictionary<string, Entry> _entries;
    private bool _disposed;

    private ModelArchiveReader(string path, FileStream file, ZipArchive zip, ModelArchiveManifest manifest, List<Entry> entries)
    {
        Path = path;
        _file = file;
        _zip = zip;
        Manifest = manifest.Json;
        FormatVersion = manifest.FormatVersion;
        LibraryVersion = manifest.LibraryVersion;
        EntryNames = entries.Select(e => e.Record.Name).ToList();
        _entries = entries.ToDictionary(e => e.Record.Name, StringComparer.Ordinal);
    }

    /// <summary>The file, as given to <see cref="ModelArchive.Open"/>.</summary>
    public string Path { get; }

    /// <summary>The whole manifest as written: the caller's fields plus <c>format</c>, <c>formatVersion</c>,
    /// <c>libraryVersion</c>, <c>createdUtc</c> and <c>entries</c> (see <see cref="ModelArchive.Write"/>).</summary>
    /// <remarks>Changing this object changes nothing in the file.</remarks>
    public JsonObject Manifest { get; }

    /// <summary>The archive format version the file was written in (1 to <see cref="ModelArchive.FormatVersion"/>).</summary>
    public int FormatVersion { get; }

    /// <summary>The version of Microsoft.ML.CamLoss that wrote the file, e.g. <c>0.1.0</c>.</summary>
    public string LibraryVersion { get; }

    /// <summary>The names of the entries (tensor entries, then byte entries, each in the order written).</summary>
    public IReadOnlyList<string> EntryNames { get; }

    /// <summary>Reads a tensor entry onto the CPU, verifying its SHA-256 as it is read.</summary>
    /// <param name="entryName">The entry, e.g. <c>weights</c>.</param>
    /// <returns>Contiguous CPU tensors by name, in the order written. The caller owns them and must dispose each one;
    /// they belong to no dispose scope.</returns>
    /// <exception cref="ArgumentException"><paramref name="entryName"/> is null or empty.</exception>
    /// <exception cref="ModelFileException">The archive has no such entry, the entry holds bytes, or it is damaged.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    public OrderedDictionary<string, Tensor> ReadTensors(string entryName)
    {
        var entry = Find(entryName, tensors: true);
        return ReadVerified(entry, stream => ModelWeightsPayload.Read(stream, entry.Record.Length), tensors =>
        {
            foreach (var tensor in tensors.Values)
            {
                tensor.Dispose();
            }
        });
    }

    /// <summary>Reads a byte entry, verifying its SHA-256.</summary>
    /// <param name="entryName">The entry name.</param>
    /// <returns>A new array with the entry's content.</returns>
    /// <exception cref="ArgumentException"><paramref name="entryName"/> is null or empty.</exception>
    /// <exception cref="ModelFileException">The archive has no such entry, the entry holds tensors, or it is damaged.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    public byte[] ReadBytes(string entryName)
    {
        var entry = Find(entryName, tensors: false);
        return ReadVerified(entry, stream =>
        {
            var bytes = new byte[entry.Record.Length <= Array.MaxLength ? entry.Record.Length : throw new InvalidDataException($"its {entry.Record.Length} bytes do not fit in an array")];
            stream.ReadExactly(bytes);
            return bytes;
        }, _ => { });
    }

    /// <summary>Closes the file. Tensors already read stay valid.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _zip.Dispose();
            _file.Dispose();
        }
    }

    /// <summary>Opens and validates the archive; see <see cref="ModelArchive.Open"/>, which checks the arguments.</summary>
    internal static ModelArchiveReader Open(string path, string expectedKind)
    {
        var file = OpenFile(path, expectedKind);
        ZipArchive? zip = null;
        try
        {
            ModelFileSniffer.ThrowIfNotZip(path, file, expectedKind);
            zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
            var manifestEntry = zip.GetEntry(ModelArchiveLayout.ManifestFileName) ?? throw ModelFileSniffer.NoManifest(path, zip, expectedKind);
            var manifest = ModelArchiveManifest.Read(path, manifestEntry, expectedKind);
            var entries = manifest.Entries.Select(record => Verify(path, zip, record)).ToList();
            return new ModelArchiveReader(path, file, zip, manifest, entries);
        }
        catch (Exception e)
        {
            zip?.Dispose();
            file.Dispose();
            if (e is ModelFileException)
            {
                throw;
            }

            throw new ModelFileException(path,
                $"it is corrupt or truncated: its zip archive cannot be read ({ModelFileException.Quote(e)}). The file was damaged or not written completely; copy it again or retrain.", e);
        }
    }

    private static FileStream OpenFile(string path, string expectedKind)
    {
        var noun = ModelArchiveLayout.Noun(expectedKind);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ModelFileException(path, $"the {noun} does not exist (looked for {System.IO.Path.GetFullPath(path)}). Check the path and the working directory.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException(path, $"the {noun} cannot be opened ({ModelFileException.Quote(e)}). Check that it is a readable file.", e);
        }
    }

    /// <summary>Finds the zip entry of a manifest record and checks its length and SHA-256.</summary>
    private static Entry Verify(string path, ZipArchive zip, ManifestEntry record)
    {
        var tensors = zip.GetEntry(ModelArchiveLayout.TensorsFileName(record.Name));
        var bytes = zip.GetEntry(ModelArchiveLayout.BytesFileName(record.Name));
        if ((tensors ?? bytes) is not { } zipEntry || (tensors is not null && bytes is not null))
        {
            throw EntryCorrupt(path, record.Name, tensors is null ? "missing from the archive" : "stored twice");
        }

        if (zipEntry.Length != record.Length)
        {
            throw EntryCorrupt(path, record.Name, "checksum mismatch");
        }

        string sha256;
        try
        {
            using var stream = zipEntry.Open();
            sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception e)
        {
            throw EntryCorrupt(path, record.Name, $"unreadable: {ModelFileException.Quote(e)}", e);
        }

        return sha256 == record.Sha256
            ? new Entry(record, zipEntry, IsTensors: tensors is not null)
            : throw EntryCorrupt(path, record.Name, "checksum mismatch");
    }

    private static ModelFileException EntryCorrupt(string path, string name, string reason, Exception? inner = null) =>
        new(path, $"entry '{name}' is corrupt ({reason}): the file was damaged after it was written; copy it again or retrain.", inner);

    private Entry Find(string entryName, bool tensors)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(entryName);
        if (!_entries.TryGetValue(entryName, out var entry))
        {
            throw new ModelFileException(Path, $"it has no entry '{entryName}'; its entries are {DescribeEntries()}.");
        }

        if (entry.IsTensors != tensors)
        {
            throw new ModelFileException(Path,
                $"entry '{entryName}' holds {Content(entry.IsTensors)}, not {Content(tensors)}: read it with {(entry.IsTensors ? nameof(ReadTensors) : nameof(ReadBytes))}. " +
                $"Its entries are {DescribeEntries()}.");
        }

        return entry;
    }

    /// <summary>Decodes an entry through a SHA-256 and checks it; anything wrong becomes a <see cref="ModelFileException"/>.</summary>
    private T ReadVerified<T>(Entry entry, Func<Stream, T> decode, Action<T> discard)
    {
        var name = entry.Record.Name;
        try
        {
            using var hashing = new Sha256Stream(entry.Zip.Open());
            T result;
            try
            {
                result = decode(hashing);
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
            {
                hashing.CopyTo(Stream.Null);
                throw Matches(hashing, entry.Record)
                    ? new ModelFileException(Path, $"entry '{name}' cannot be decoded although its checksum matches ({ModelFileException.Quote(e)}); the file was not written by Microsoft.ML.CamLoss.", e)
                    : EntryCorrupt(Path, name, "checksum mismatch", e);
            }

            try
            {
                if (hashing.ReadByte() != -1 || !Matches(hashing, entry.Record))
                {
                    throw EntryCorrupt(Path, name, "checksum mismatch");
                }

                return result;
            }
            catch
            {
                discard(result);
                throw;
            }
        }
        catch (Exception e) when (e is not ModelFileException)
        {
            throw EntryCorrupt(Path, name, $"unreadable: {ModelFileException.Quote(e)}", e);
        }
    }

    private static bool Matches(Sha256Stream hashing, ManifestEntry record) =>
        hashing.Count == record.Length && hashing.HashHex() == record.Sha256;

    private string DescribeEntries() => _entries.Count == 0
        ? "none"
        : string.Join(", ", EntryNames.Select(n => $"'{n}' ({Content(_entries[n].IsTensors)})"));

    private static string Content(bool tensors) => tensors ? "tensors" : "bytes";

    /// <summary>A verified entry: its manifest record, its zip entry, and whether it holds tensors.</summary>
    private sealed record Entry(ManifestEntry Record, ZipArchiveEntry Zip, bool IsTensors);
}
