using System.IO.Compression;

namespace Microsoft.ML.CamLoss.Cli.Models;

/// <summary>
/// Tells a camloss model file from a PyTorch checkpoint by its first bytes, so the CLI can ask for
/// <c>--arch</c> when it is needed rather than fail inside the loader.
/// </summary>
internal static class ModelSniffer
{
    /// <summary>A legacy <c>torch.save</c> file: pickle protocol 2 (<c>80 02</c>), then LONG1 (<c>8A 0A</c>) of PyTorch's magic number 0x1950a86a20f9469cfc6c.</summary>
    private static readonly byte[] LegacyTorchHead = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19];

    /// <summary>What <paramref name="path"/> is.</summary>
    public static ModelFileKind Detect(string path)
    {
        if (!File.Exists(path))
        {
            return ModelFileKind.Missing;
        }

        var head = new byte[LegacyTorchHead.Length];
        int read;
        using (var file = File.OpenRead(path))
        {
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (read == head.Length && head.AsSpan().SequenceEqual(LegacyTorchHead))
        {
            return ModelFileKind.PyTorchCheckpoint;
        }

        return read >= 4 && head.AsSpan(0, 4).SequenceEqual("PK\x03\x04"u8) ? ZipKind(path) : ModelFileKind.Other;
    }

    private static ModelFileKind ZipKind(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            if (zip.GetEntry("manifest.json") is not null)
            {
                return ModelFileKind.CamLossArchive;
            }

            return zip.Entries.Any(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)) ? ModelFileKind.PyTorchCheckpoint : ModelFileKind.Other;
        }
        catch (InvalidDataException)
        {
            return ModelFileKind.Other;
        }
    }
}
