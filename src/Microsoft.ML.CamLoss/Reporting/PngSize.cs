using System.Buffers.Binary;

namespace Microsoft.ML.CamLoss.Reporting;

/// <summary>The width and height of a PNG, read from its header (the IHDR chunk that every PNG starts with).</summary>
internal static class PngSize
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>(width, height), or null when the bytes do not start like a PNG.</summary>
    public static (int Width, int Height)? Read(ReadOnlySpan<byte> png)
    {
        if (png.Length < 24 || !png[..8].SequenceEqual(Signature) || !png.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return null;
        }

        return (BinaryPrimitives.ReadInt32BigEndian(png.Slice(16, 4)), BinaryPrimitives.ReadInt32BigEndian(png.Slice(20, 4)));
    }
}
