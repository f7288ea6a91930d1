using System.IO.Compression;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// Reads the zip format of <c>torch.save</c> (PyTorch 1.6 and later): <c>&lt;name&gt;/data.pkl</c>
/// (the object graph), <c>&lt;name&gt;/data/&lt;key&gt;</c> (each storage's raw bytes),
/// <c>&lt;name&gt;/version</c> and, since PyTorch 2.1, <c>&lt;name&gt;/byteorder</c>. The folder
/// name varies (PyTorch uses the file name or <c>archive</c>): it is taken from the first entry.
/// </summary>
internal static class ZipCheckpointReader
{
    /// <summary>The unpickled graph and its storages, with every storage's bytes read.</summary>
    public static (object? Root, StorageTable Storages) Read(string path, Stream file)
    {
        using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        var first = zip.Entries.FirstOrDefault()?.FullName ?? throw new CheckpointFormatException(path, "it is an empty zip archive, not a torch.save checkpoint.");
        var slash = first.IndexOf('/');
        if (slash <= 0)
        {
            throw new CheckpointFormatException(path, $"it is a zip archive whose first entry '{first}' is not in a folder, so it is not a torch.save checkpoint.");
        }

        var folder = first[..slash];
        var dataPkl = zip.GetEntry($"{folder}/data.pkl") ?? throw NotTorchSave(path, zip, folder);
        var bigEndian = ReadText(zip.GetEntry($"{folder}/byteorder")) is "big";

        var storages = new StorageTable(path);
        using var pickle = new MemoryStream(ReadAll(path, dataPkl));
        var root = new Unpickler(pickle, path, "data.pkl", storages.Load).Load();

        foreach (var storage in storages.Storages)
        {
            var entry = zip.GetEntry($"{folder}/data/{storage.Key}") ?? throw new CheckpointFormatException(path,
                $"the archive lacks {folder}/data/{storage.Key}, the bytes of a storage its data.pkl refers to; the file is incomplete. Fetch it again.");
            if (entry.Length != storage.ByteCount)
            {
                throw new CheckpointFormatException(path,
                    $"{entry.FullName} holds {entry.Length} bytes but data.pkl says {storage.NumberOfElements} {TensorDTypes.PythonName(storage.DType)} elements ({storage.ByteCount} bytes); the file is damaged.");
            }

            storage.Data = ReadAll(path, entry);
            if (bigEndian)
            {
                TensorBytes.ReverseEachElement(storage.Data, TensorDTypes.ElementSize(storage.DType));
            }
        }

        return (root, storages);
    }

    private static CheckpointFormatException NotTorchSave(string path, ZipArchive zip, string folder)
    {
        var torchScript = zip.Entries.Any(e => e.FullName.StartsWith($"{folder}/code/", StringComparison.Ordinal) || e.FullName == $"{folder}/constants.pkl");
        return new CheckpointFormatException(path, torchScript
            ? "it is a TorchScript archive (torch.jit.save), not a torch.save checkpoint. In PyTorch, save the scripted model's state_dict() with torch.save instead."
            : $"it is a zip archive without {folder}/data.pkl, so it is not a torch.save checkpoint.");
    }

    private static string? ReadText(ZipArchiveEntry? entry)
    {
        if (entry is null)
        {
            return null;
        }

        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd().Trim();
    }

    private static byte[] ReadAll(string path, ZipArchiveEntry entry)
    {
        if (entry.Length > Array.MaxLength)
        {
            throw new CheckpointFormatException(path, $"{entry.FullName} is {entry.Length} bytes; storages over {Array.MaxLength} bytes are not supported.");
        }

        var bytes = new byte[entry.Length];
        using var stream = entry.Open();
        stream.ReadExactly(bytes);
        return bytes;
    }
}
