using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Explain;

/// <summary>An 8-bit RGB picture in managed memory, <c>[H, W, 3]</c> row-major: what the renderers compose in.</summary>
internal sealed class RgbImage
{
    public RgbImage(int height, int width, byte[] pixels)
    {
        Height = height;
        Width = width;
        Pixels = pixels;
    }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>Columns.</summary>
    public int Width { get; }

    /// <summary>Red, green, blue of each pixel, row-major.</summary>
    public byte[] Pixels { get; }

    /// <summary>A picture filled with one grey level.</summary>
    public static RgbImage Filled(int height, int width, byte level)
    {
        var pixels = new byte[checked(height * width * 3)];
        pixels.AsSpan().Fill(level);
        return new RgbImage(height, width, pixels);
    }

    /// <summary>
    /// Copies a uint8 image tensor in any layout <see cref="ImageLayout.ToHwc"/> reads (any device);
    /// a grey image becomes RGB with equal channels.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not a uint8 image.</exception>
    public static RgbImage FromTensor(Tensor image)
    {
        var (height, width, channels, values) = ImageLayout.ReadHwc(image);
        if (channels == 3)
        {
            return new RgbImage(height, width, values);
        }

        var pixels = new byte[checked(values.Length * 3)];
        for (var i = 0; i < values.Length; i++)
        {
            pixels[3 * i] = pixels[(3 * i) + 1] = pixels[(3 * i) + 2] = values[i];
        }

        return new RgbImage(height, width, pixels);
    }

    /// <summary>A new uint8 <c>[H, W, 3]</c> CPU tensor with a copy of these pixels; the caller disposes it.</summary>
    public Tensor ToTensor() => torch.tensor(Pixels, [Height, Width, 3]);
}
