using Microsoft.ML.CamLoss.Explain;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Samples.QuickStart;

/// <summary>
/// The picture the quick-start writes: one row per test image (the first image of each of the first classes), four
/// columns: the image, the cross-entropy model's CAM, the CAM-loss model's CAM (each of its own predicted class) and the
/// CAM-loss model's class-agnostic map (CAAM), each map blended over the image and everything enlarged so that 28×28
/// pixels are visible. The maps are the models' <c>Cam</c> and <c>Caam</c> columns of the scored test set.
/// </summary>
internal static class CamGallery
{
    private const int Scale = 4;

    /// <summary>Writes <c>cams.png</c> into <paramref name="folder"/> and returns its path.</summary>
    public static string Write(string folder, RunResult crossEntropy, RunResult camLoss, int images)
    {
        Directory.CreateDirectory(folder);
        var ml = new MLContext(seed: 1);
        var classes = crossEntropy.Model.LastTransformer.ClassNames;
        var pairs = ml.Data.CreateEnumerable<ScoredImage>(crossEntropy.Scored, reuseRowObject: false)
            .Zip(ml.Data.CreateEnumerable<ScoredImage>(camLoss.Scored, reuseRowObject: false));

        // The first test image of each of the first classes (keys 1…n), in class order.
        var wanted = Math.Min(images, classes.Count);
        var firsts = new SortedDictionary<uint, (ScoredImage CrossEntropy, ScoredImage CamLoss, int Index, byte[] Grey)>();
        foreach (var ((ce, cam), index) in pairs.Select((pair, index) => (pair, index)))
        {
            if (ce.Label <= wanted && !firsts.ContainsKey(ce.Label))
            {
                firsts.Add(ce.Label, (ce, cam, index, Grey(ce.Image!)));   // the row's MLImage is disposed when the cursor moves on
            }

            if (firsts.Count == wanted)
            {
                break;
            }
        }

        using var scope = torch.NewDisposeScope();   // every tile and the grid
        var tiles = new List<Tensor>();
        var row = 0;
        foreach (var (ce, cam, index, grey) in firsts.Values)
        {
            var picture = Enlarge(grey, 28, 28);
            tiles.Add(picture);
            tiles.Add(HeatmapRenderer.Overlay(picture, Map(ce.Cam)));
            tiles.Add(HeatmapRenderer.Overlay(picture, Map(cam.Cam)));
            tiles.Add(HeatmapRenderer.Overlay(picture, Map(cam.Caam)));
            Console.WriteLine($"  row {++row}: test image {index}, true {classes[(int)ce.Label - 1]}; cross-entropy says {classes[(int)ce.PredictedLabel - 1]} ({ce.Score.Max():P0}), CAM-loss says {classes[(int)cam.PredictedLabel - 1]} ({cam.Score.Max():P0})");
        }

        var path = Path.Combine(folder, "cams.png");
        ImageFiles.WritePng(path, HeatmapRenderer.Grid(tiles, columns: 4, gap: 4));
        return path;
    }

    /// <summary>A square map from its row-major values (the network's feature grid, 7 × 7 for 28 × 28 images).</summary>
    private static Heatmap Map(float[] values)
    {
        var side = (int)Math.Round(Math.Sqrt(values.Length));
        return new Heatmap(side, side, values);
    }

    /// <summary>The grey pixels of an RGBA (or BGRA) image: its first channel, row-major.</summary>
    private static byte[] Grey(MLImage image)
    {
        var source = image.Pixels;
        var channels = image.BitsPerPixel / 8;
        var grey = new byte[image.Height * image.Width];
        for (var p = 0; p < grey.Length; p++)
        {
            grey[p] = source[p * channels];
        }

        return grey;
    }

    /// <summary>The grey image, each pixel repeated <see cref="Scale"/>×<see cref="Scale"/> times, as a uint8 <c>[H, W]</c> tensor.</summary>
    private static Tensor Enlarge(byte[] grey, int sourceHeight, int sourceWidth)
    {
        int height = sourceHeight * Scale, width = sourceWidth * Scale;
        var pixels = new byte[height * width];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                pixels[(y * width) + x] = grey[((y / Scale) * sourceWidth) + (x / Scale)];
            }
        }

        return torch.tensor(pixels, height, width);
    }

    /// <summary>The columns of a scored test row the picture needs.</summary>
    private sealed class ScoredImage
    {
        [ImageType(28, 28)]
        public MLImage? Image { get; set; }

        public uint Label { get; set; }

        public uint PredictedLabel { get; set; }

        public float[] Score { get; set; } = [];

        public float[] Cam { get; set; } = [];

        public float[] Caam { get; set; } = [];
    }
}
