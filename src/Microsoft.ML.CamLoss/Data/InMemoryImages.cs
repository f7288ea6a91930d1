using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// Decoded 8-bit images held in memory as one block, each image <c>[C, H, W]</c> (CIFAR, IDX):
/// read once, then batched by copying bytes, with no decoding.
/// </summary>
public sealed class InMemoryImages
{
    private readonly byte[] _data;

    internal InMemoryImages(string name, byte[] data, int count, int channels, int height, int width)
    {
        if ((long)count * channels * height * width != data.LongLength)
        {
            throw new ArgumentException($"{data.LongLength} bytes are not {count} images of {channels}×{height}×{width}.", nameof(data));
        }

        Name = name;
        _data = data;
        Count = count;
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>The file (or files) the pixels were read from, for messages.</summary>
    public string Name { get; }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Channels per image (3 for CIFAR, 1 for MNIST-style IDX).</summary>
    public int Channels { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Bytes per image, <c>C·H·W</c>.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>The pixels of image <paramref name="index"/>, <c>[C, H, W]</c> row-major.</summary>
    public ReadOnlySpan<byte> GetImage(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _data.AsSpan(index * ImageSize, ImageSize);
    }

    /// <summary>The images at <paramref name="indices"/> as a new uint8 tensor <c>[B, C, H, W]</c>.</summary>
    public Tensor ToTensor(ReadOnlySpan<int> indices)
    {
        var size = ImageSize;
        for (var i = 0; i < indices.Length; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(indices[i], nameof(indices));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(indices[i], Count, nameof(indices));
        }

        var result = empty([indices.Length, Channels, Height, Width], ScalarType.Byte);
        var bytes = result.bytes;
        for (var i = 0; i < indices.Length; i++)
        {
            GetImage(indices[i]).CopyTo(bytes.Slice(i * size, size));
        }

        return result;
    }
}
