using System.IO.Compression;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Cli.Models;

/// <summary>
/// Tells a run folder, a training checkpoint, an ML.NET model zip, an ONNX graph and a PyTorch checkpoint apart by their
/// content (never by the file name's extension), so each command can load a model the way its kind needs, ask for <c>--arch</c> when it
/// is needed, and refuse a kind it cannot use with one line rather than fail inside a loader.
/// </summary>
internal static class ModelSniffer
{
    /// <summary>A legacy <c>torch.save</c> file: pickle protocol 2 (<c>80 02</c>), then LONG1 (<c>8A 0A</c>) of PyTorch's magic number 0x1950a86a20f9469cfc6c.</summary>
    private static readonly byte[] LegacyTorchHead = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19];

    /// <summary>What <paramref name="path"/> is.</summary>
    public static ModelKind Detect(string path)
    {
        if (Directory.Exists(path))
        {
            return File.Exists(Path.Combine(path, ImageClassificationTrainer.CheckpointFileName)) ? ModelKind.RunFolder : ModelKind.Missing;
        }

        if (!File.Exists(path))
        {
            return ModelKind.Missing;
        }

        var head = new byte[LegacyTorchHead.Length];
        int read;
        using (var file = File.OpenRead(path))
        {
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (read == head.Length && head.AsSpan().SequenceEqual(LegacyTorchHead))
        {
            return ModelKind.PyTorchCheckpoint;
        }

        if (read >= 4 && head.AsSpan(0, 4).SequenceEqual("PK\x03\x04"u8))
        {
            return ZipKind(path);
        }

        return read >= 3 && IsOnnxHead(head) ? ModelKind.OnnxGraph : ModelKind.Other;
    }

    /// <summary>
    /// Whether <paramref name="head"/> opens an ONNX <c>ModelProto</c>: field 1 (<c>ir_version</c>, varint, tag <c>08</c>) with a
    /// one-byte version, then the tag of a later field (producer name or version, domain, model version, doc string, graph,
    /// opset import, metadata), as protobuf writers put fields in number order. ONNX Runtime checks the rest when it loads.
    /// </summary>
    private static bool IsOnnxHead(ReadOnlySpan<byte> head) =>
        head[0] == 0x08 && head[1] is > 0 and < 0x80 && head[2] is 0x12 or 0x1A or 0x22 or 0x28 or 0x32 or 0x3A or 0x42 or 0x72;

    private static ModelKind ZipKind(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            if (zip.GetEntry("manifest.json") is not null)
            {
                return ModelKind.TrainingCheckpoint;
            }

            if (zip.GetEntry("TransformerChain/Model.key") is not null)
            {
                return ModelKind.MLNetModel;
            }

            return zip.Entries.Any(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)) ? ModelKind.PyTorchCheckpoint : ModelKind.Other;
        }
        catch (InvalidDataException)
        {
            return ModelKind.Other;
        }
    }
}
