using System.Buffers.Binary;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>The weights file formats told apart by their first bytes.</summary>
internal enum WeightsFileKind
{
    /// <summary>None of the formats below.</summary>
    Unknown,

    /// <summary>A zip archive (torch.save's default format).</summary>
    TorchZip,

    /// <summary>A pickle (torch.save's legacy format).</summary>
    TorchLegacy,

    /// <summary>A tar archive (torch.save before PyTorch 0.4).</summary>
    TorchTar,

    /// <summary>This library's own weights file (<see cref="ModelWeightsFile"/>).</summary>
    CamLossWeights,

    /// <summary>A .safetensors file.</summary>
    SafeTensors,
}

/// <summary>Recognises a weights file's format from its first bytes.</summary>
internal static class WeightsFileSniffer
{
    private const int HeadLength = 512;

    /// <summary>The format of <paramref name="file"/>, read from its start; the position is restored.</summary>
    public static WeightsFileKind Detect(Stream file, out byte[] head)
    {
        var start = file.Position;
        head = new byte[(int)Math.Min(HeadLength, file.Length - start)];
        file.ReadExactly(head);
        file.Position = start;
        return Detect(head, file.Length - start);
    }

    /// <summary>The first bytes of a file as hex, for messages.</summary>
    public static string Describe(byte[] head) =>
        head.Length == 0 ? "no bytes (the file is empty)" : $"the bytes {Convert.ToHexString(head.AsSpan(0, Math.Min(8, head.Length)))}";

    private static WeightsFileKind Detect(ReadOnlySpan<byte> head, long length)
    {
        if (head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8))
        {
            return WeightsFileKind.TorchZip;
        }

        if (head.StartsWith(ModelWeightsFile.Magic))
        {
            return WeightsFileKind.CamLossWeights;
        }

        if (head.Length >= 2 && head[0] == (byte)PickleOpcode.Proto && head[1] <= 5)
        {
            return WeightsFileKind.TorchLegacy;
        }

        if (head.Length >= 262 && head[257..262].SequenceEqual("ustar"u8))
        {
            return WeightsFileKind.TorchTar;
        }

        if (head.Length >= 9 && head[8] == (byte)'{' && BinaryPrimitives.ReadUInt64LittleEndian(head) <= (ulong)(length - 8))
        {
            return WeightsFileKind.SafeTensors;
        }

        return WeightsFileKind.Unknown;
    }
}
