using Microsoft.ML.CamLoss.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Explain;

/// <summary>
/// The picture a network saw, as a person can look at it: the decoded image put through the
/// geometric part of the model's scoring preprocessing (resize, centre crop …, everything except
/// <see cref="NormalizeTransform"/>, <see cref="MeanImageNormalizeTransform"/> and <see cref="ToFloatTransform"/>), kept in uint8, then
/// enlarged by a whole factor (nearest neighbour) when it is small, so each input pixel becomes a
/// visible square and a map laid over it lines up with the pixels the network read.
/// </summary>
internal static class NetworkView
{
    /// <summary>Pictures whose shorter side is below this are enlarged to reach it (32×32 CIFAR → 128×128).</summary>
    public const int MinimumSide = 128;

    /// <summary>The geometric preprocessing of a decoded <c>uint8 [H, W, C]</c> image; returns <c>uint8 [C, H', W']</c> at the network's input size.</summary>
    public static Tensor Geometric(ImagePipeline preprocessing, Tensor decodedHwc)
    {
        using var scope = torch.NewDisposeScope();
        var x = decodedHwc.permute(2, 0, 1);
        var random = new SeededRandom(0);
        foreach (var transform in preprocessing.Transforms)
        {
            if (transform is NormalizeTransform or MeanImageNormalizeTransform or ToFloatTransform)
            {
                continue;
            }

            x = transform.Apply(x, random);
            if (x.dtype != ScalarType.Byte)
            {
                // A custom transform that turned the picture into floats: read it as [0, 1] intensities.
                x = (x.to(ScalarType.Float32) * 255.0).round().clamp(0, 255).to(ScalarType.Byte);
            }
        }

        return x.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The whole factor that brings a picture's shorter side to at least <see cref="MinimumSide"/> (1 when it already is).</summary>
    public static int Scale(long height, long width)
    {
        var shorter = Math.Min(height, width);
        return shorter >= MinimumSide ? 1 : (int)((MinimumSide + shorter - 1) / shorter);
    }

    /// <summary>Enlarges a uint8 image (<c>[C, H, W]</c> or <c>[H, W, C]</c>) by <paramref name="factor"/> with nearest neighbour; returns <c>uint8 [H·f, W·f, C]</c>.</summary>
    public static Tensor Enlarge(Tensor image, int factor)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(factor);
        var (height, width, channels, source) = ImageLayout.ReadHwc(image);
        int outHeight = height * factor, outWidth = width * factor;
        var target = new byte[checked(outHeight * outWidth * channels)];
        for (var y = 0; y < outHeight; y++)
        {
            var sourceRow = (y / factor) * width;
            for (var x = 0; x < outWidth; x++)
            {
                source.AsSpan(((sourceRow + (x / factor)) * channels), channels)
                    .CopyTo(target.AsSpan(((y * outWidth) + x) * channels, channels));
            }
        }

        return torch.tensor(target, [outHeight, outWidth, channels]);
    }
}
