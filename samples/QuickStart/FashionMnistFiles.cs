using System.Buffers.Binary;
using System.IO.Compression;

namespace QuickStart;

/// <summary>
/// Reads Fashion-MNIST's gzipped IDX files as installed by Debian's dataset-fashion-mnist.
/// (A stop-gap for this smoke program; the library's data layer brings the full IDX loader.)
/// </summary>
internal static class FashionMnistFiles
{
    public const string DefaultRoot = "/usr/share/datasets/fashion-mnist";

    /// <summary>Images as bytes (row-major, 28×28 each) and labels of one split.</summary>
    public static (byte[] Pixels, byte[] Labels, int Count) Load(string root, bool train)
    {
        var prefix = train ? "train" : "t10k";
        var images = ReadIdx(Path.Combine(root, $"{prefix}-images-idx3-ubyte.gz"), expectedMagic: 0x803, out var imageCount);
        var labels = ReadIdx(Path.Combine(root, $"{prefix}-labels-idx1-ubyte.gz"), expectedMagic: 0x801, out var labelCount);
        if (imageCount != labelCount)
        {
            throw new InvalidDataException($"{root}: {imageCount} images but {labelCount} labels in the {prefix} split.");
        }

        return (images, labels, imageCount);
    }

    private static byte[] ReadIdx(string path, int expectedMagic, out int count)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing: install Debian's dataset-fashion-mnist (build/setup.sh does).", path);
        }

        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var bytes = memory.ToArray();
        var magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != expectedMagic)
        {
            throw new InvalidDataException($"{path}: IDX magic 0x{magic:x}, expected 0x{expectedMagic:x}.");
        }

        var dims = magic & 0xff;
        count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        return bytes[(4 + (4 * dims))..];
    }
}
