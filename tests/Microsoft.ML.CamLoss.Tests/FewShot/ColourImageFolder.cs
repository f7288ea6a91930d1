using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.ML.CamLoss.Tests.Data;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.FewShot;

/// <summary>
/// An ImageFolder tree the few-shot tests make themselves: class <c>cNN</c> holds 24×24 PNGs of its own
/// colour (evenly spaced hues) with seeded per-pixel noise, so classes are told apart by any backbone.
/// </summary>
internal static class ColourImageFolder
{
    /// <summary>Writes <c>temp/name/cNN/iii.png</c> and returns the root.</summary>
    public static string Write(TempFolder temp, string name, int classes, int perClass, int shortClass = -1, int shortCount = 0)
    {
        for (var c = 0; c < classes; c++)
        {
            var hue = c * 360.0 / classes;
            var colour = new[] { Channel(hue, 0), Channel(hue, 120), Channel(hue, 240) };
            for (var i = 0; i < (c == shortClass ? shortCount : perClass); i++)
            {
                var random = SeededRandom.Derive(17, (ulong)c, (ulong)i);
                var pixels = new byte[24 * 24 * 3];
                for (var p = 0; p < pixels.Length; p++)
                {
                    pixels[p] = (byte)Math.Clamp(colour[p % 3] + random.NextInt(-40, 41), 0, 255);
                }

                using var image = tensor(pixels, [24, 24, 3]);
                temp.Write($"{name}/c{c:D2}/{i:D3}.png", ImageFiles.EncodePng(image));
            }
        }

        return Path.Combine(temp.Path, name);
    }

    /// <summary>One RGB channel of a saturated colour of <paramref name="hue"/> degrees (a cosine wheel), 30–225.</summary>
    private static int Channel(double hue, double offset) => (int)(127.5 + (97.5 * Math.Cos((hue - offset) * Math.PI / 180)));
}
