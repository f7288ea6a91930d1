using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.ML.CamLoss.Pipelines;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Samples.QuickStart;

/// <summary>
/// The picture the quick-start writes: one row per test image (the first image of each of the
/// first classes), four columns: the image, the cross-entropy model's CAM, the CAM-loss model's
/// CAM (each of its own predicted class) and the CAM-loss model's class-agnostic map (CAAM), each
/// map blended over the image and everything enlarged so that 28×28 pixels are visible.
/// </summary>
internal static class CamGallery
{
    private const int Scale = 4;

    /// <summary>Writes <c>cams.png</c> into <paramref name="folder"/> and returns its path.</summary>
    public static string Write(string folder, ImageDataset test, ImageClassificationModel crossEntropy, ImageClassificationModel camLoss, int images)
    {
        Directory.CreateDirectory(folder);
        var ceEngine = crossEntropy.CreatePredictionEngine(new ScoringOptions { IncludeCam = true });
        var camEngine = camLoss.CreatePredictionEngine(new ScoringOptions { IncludeCam = true, IncludeCaam = true });

        using var scope = torch.NewDisposeScope();   // every tile and the grid
        var tiles = new List<Tensor>();
        var row = 0;
        foreach (var index in FirstOfEachClass(test).Take(images))
        {
            var sample = test[index];
            var picture = Enlarge(test.InMemory!, index);
            var ce = ceEngine.Predict(sample.Image);
            var cam = camEngine.Predict(sample.Image);
            tiles.Add(picture);
            tiles.Add(HeatmapRenderer.Overlay(picture, ce.Cam!));
            tiles.Add(HeatmapRenderer.Overlay(picture, cam.Cam!));
            tiles.Add(HeatmapRenderer.Overlay(picture, cam.Caam!));
            Console.WriteLine($"  row {++row}: test image {index}, true {test.Classes[sample.Label]}; cross-entropy says {ce.PredictedLabel} ({ce.Score[ce.PredictedLabelIndex]:P0}), CAM-loss says {cam.PredictedLabel} ({cam.Score[cam.PredictedLabelIndex]:P0})");
        }

        var path = Path.Combine(folder, "cams.png");
        ImageFiles.WritePng(path, HeatmapRenderer.Grid(tiles, columns: 4, gap: 4));
        return path;
    }

    /// <summary>Index of the first test image of each class, in class order.</summary>
    private static IEnumerable<int> FirstOfEachClass(ImageDataset data) =>
        Enumerable.Range(0, data.Classes.Count)
            .Select(c => Enumerable.Range(0, data.Count).FirstOrDefault(i => data[i].Label == c, -1))
            .Where(i => i >= 0);

    /// <summary>The grey image, each pixel repeated <see cref="Scale"/>×<see cref="Scale"/> times, as a uint8 <c>[H, W]</c> tensor.</summary>
    private static Tensor Enlarge(InMemoryImages images, int index)
    {
        var source = images.GetImage(index);
        int height = images.Height * Scale, width = images.Width * Scale;
        var pixels = new byte[height * width];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                pixels[(y * width) + x] = source[((y / Scale) * images.Width) + (x / Scale)];
            }
        }

        return torch.tensor(pixels, height, width);
    }
}
