using System.IO.Compression;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// Tells a <see cref="ModelArchive"/> from the other files a user may pass instead (a CamLoss
/// weights-only file, a PyTorch checkpoint, anything else), with a message saying what to do with each.
/// </summary>
internal static class ModelFileSniffer
{
    private const int HeadLength = 16;

    /// <summary>
    /// The pickles that start a legacy <c>torch.save</c> file: protocol (0x80, any version), then
    /// LONG1 of 10 bytes holding PyTorch's magic number 0x1950a86a20f9469cfc6c, little-endian.
    /// </summary>
    private static ReadOnlySpan<byte> TorchLegacyMagic => [0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

    /// <summary>Throws a <see cref="ModelFileException"/> saying what the file is, unless it starts like a zip archive; the position is restored.</summary>
    /// <exception cref="ModelFileException">The file is not a zip archive.</exception>
    public static void ThrowIfNotZip(string path, Stream file, string expectedKind)
    {
        var head = new byte[HeadLength];
        var read = file.ReadAtLeast(head, HeadLength, throwOnEndOfStream: false);
        file.Position = 0;
        var start = head.AsSpan(0, read);
        if (start.StartsWith("PK\x03\x04"u8) || start.StartsWith("PK\x05\x06"u8))
        {
            return;
        }

        var noun = ModelArchiveLayout.Noun(expectedKind);
        if (start.StartsWith(ModelWeightsFile.Magic))
        {
            throw new ModelFileException(path,
                $"it is a CamLoss weights-only file (no manifest, class names or preprocessing), not a {noun}. " +
                $"It can be used as pretrained weights, but {(expectedKind == ModelArchive.CheckpointKind ? "training cannot be resumed from it" : "it cannot be loaded as a model")}.");
        }

        if (start.Length >= 2 + TorchLegacyMagic.Length && start[0] == 0x80 && start[2..].StartsWith(TorchLegacyMagic))
        {
            throw PyTorchCheckpoint(path, noun);
        }

        throw new ModelFileException(path, read == 0
            ? $"it is empty (0 bytes), so it is not a CamLoss {noun}; it was probably not written or copied completely. Copy it again or retrain."
            : $"it is not a CamLoss {noun}: it starts with {WeightsFileSniffer.Describe(start.ToArray())}, where a {noun} is a zip archive (504B0304). Check the path.");
    }

    /// <summary>The error for a zip archive without a manifest, which says what the archive is.</summary>
    public static ModelFileException NoManifest(string path, ZipArchive zip, string expectedKind)
    {
        var noun = ModelArchiveLayout.Noun(expectedKind);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        if (names.Any(IsTorchDataPickle))
        {
            return PyTorchCheckpoint(path, noun);
        }

        return names.Any(ModelArchiveLayout.IsEntryFileName)
            ? new ModelFileException(path, $"it is corrupt: it holds CamLoss entries but no {ModelArchiveLayout.ManifestFileName}. The file was damaged after it was written; copy it again or retrain.")
            : new ModelFileException(path, $"it is a zip archive without {ModelArchiveLayout.ManifestFileName}, so it is not a CamLoss {noun}. Check the path.");
    }

    /// <summary>True for <c>&lt;folder&gt;/data.pkl</c>, the object graph of a zip-format <c>torch.save</c> file.</summary>
    private static bool IsTorchDataPickle(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && name.AsSpan(slash) is "/data.pkl";
    }

    private static ModelFileException PyTorchCheckpoint(string path, string noun) => new(path,
        $"it is a PyTorch checkpoint, not a CamLoss {noun}. Load it with ImageClassificationModel.FromPyTorchCheckpoint(path, architecture, classNames), " +
        $"or evaluate it with: camloss evaluate --model {QuoteIfNeeded(path)} --arch ARCH");

    private static string QuoteIfNeeded(string path) => path.Any(char.IsWhiteSpace) ? $"\"{path}\"" : path;
}
