using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Tests.Data;

namespace Microsoft.ML.CamLoss.Tests.Training;

/// <summary>
/// Small image data sets the tests make themselves (so a fresh clone tests training without ../shared/data):
/// greyscale IDX files (MNIST's format) of <c>size×size</c> images, where class <c>c</c> is a bright square in
/// its own place on seeded noise, so a network can learn it.
/// </summary>
internal static class TinyImages
{
    /// <summary>Writes <c>images-idx3-ubyte</c> and <c>labels-idx1-ubyte</c> into <paramref name="folder"/> and loads them.</summary>
    public static ImageDataset Create(string folder, int count, int size, int classes, int seed = 1)
    {
        var random = new Random(seed);
        var pixels = new byte[count * size * size];
        var labels = new byte[count];
        var square = Math.Max(1, size / 4);
        for (var i = 0; i < count; i++)
        {
            var label = i % classes;
            labels[i] = (byte)label;
            var image = pixels.AsSpan(i * size * size, size * size);
            for (var p = 0; p < image.Length; p++)
            {
                image[p] = (byte)random.Next(0, 96);
            }

            var (top, left) = ((label * square) % (size - square + 1), (label * 2 * square) % (size - square + 1));
            for (var y = top; y < top + square; y++)
            {
                image.Slice((y * size) + left, square).Fill(255);
            }
        }

        var imagesPath = Path.Combine(folder, "images-idx3-ubyte");
        var labelsPath = Path.Combine(folder, "labels-idx1-ubyte");
        File.WriteAllBytes(imagesPath, SyntheticTrees.Idx([count, size, size], pixels, gzip: false));
        File.WriteAllBytes(labelsPath, SyntheticTrees.Idx([count], labels, gzip: false));
        return Idx.Load(imagesPath, labelsPath, Enumerable.Range(0, classes).Select(c => $"class{c}"));
    }
}
