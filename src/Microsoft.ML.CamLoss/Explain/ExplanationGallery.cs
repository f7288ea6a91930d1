using System.Globalization;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.MLNet;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Explain;

/// <summary>
/// The CAM-loss paper's Figure 1 for your model: for a few images of a data set, the picture the
/// network saw next to its CAM (of the predicted class), its class-agnostic activation map (CAAM)
/// and, for comparison, its Grad-CAM (of the predicted class), each laid over the picture.
/// </summary>
/// <remarks>
/// <para>
/// The picture is what the network saw geometrically: the image decoded, put through the model's
/// scoring preprocessing except the normalisation (resize, centre crop …), and, when its shorter
/// side is under 128 pixels, enlarged by a whole factor with nearest neighbour (32×32 CIFAR
/// pictures become 128×128), so every input pixel is a visible square.
/// </para>
/// <para>
/// CAM and CAAM come from the model's scoring code (what its prediction engine returns) at feature
/// resolution (<see cref="MapResolution.Feature"/>), Grad-CAM from a gradient pass at the same last
/// feature map. For these backbones, which end in global average pooling and one linear layer,
/// Grad-CAM works out to <c>ReLU(CAM) / (H·W)</c>: after normalising it is the CAM with its negative
/// part flattened to the lowest colour (see <see cref="GalleryEntry.GradCam"/>). Each map is min-max normalised and resized bilinearly in one step from its feature
/// resolution to the shown picture's size (<see cref="HeatmapRenderer.Overlay"/>), rather than
/// first to the input size and then again to the enlarged size, so all three maps are treated
/// alike and interpolated once. Colours are jet at opacity 0.5: red is the map's maximum, dark blue
/// its minimum (each map on its own scale).
/// </para>
/// </remarks>
public static class ExplanationGallery
{
    /// <summary>File name of the whole gallery picture.</summary>
    public const string GalleryFileName = "gallery.png";

    /// <summary>File name of the gallery's index.</summary>
    public const string JsonFileName = "gallery.json";

    /// <summary>Pixels of white between the pictures of a row.</summary>
    public const int TileGap = 4;

    /// <summary>Pixels of white between rows in <see cref="GalleryFileName"/>.</summary>
    public const int RowGap = 12;

    /// <summary>Images per forward pass (small: the Grad-CAM pass keeps its activations for the backward pass).</summary>
    private const int BatchSize = 8;

    private const double Opacity = 0.5;
    private const Colormap Colors = Colormap.Jet;

    /// <summary>The titles of a row's four pictures, left to right.</summary>
    public static IReadOnlyList<string> Columns { get; } = ["image", "CAM (predicted class)", "CAAM", "Grad-CAM (predicted class)"];

    /// <summary>
    /// Picks <paramref name="count"/> images of <paramref name="data"/> and writes, into
    /// <paramref name="outputDirectory"/> (created if needed; files of the same names are
    /// replaced): per image <c>NNN-row.png</c> (image | CAM | CAAM | Grad-CAM, <see cref="TileGap"/>
    /// pixels apart) and <c>NNN-image.png</c> (the picture alone), where NNN is its position from
    /// 000; <see cref="GalleryFileName"/> (all rows, <see cref="RowGap"/> pixels apart); and
    /// <see cref="JsonFileName"/> (per image: source path, true label, predicted label, probability,
    /// file names).
    /// </summary>
    /// <param name="model">The model to explain.</param>
    /// <param name="data">Where the images come from (their labels are the "true" labels shown).</param>
    /// <param name="outputDirectory">The gallery folder.</param>
    /// <param name="count">How many images (all of them when the data set has fewer).</param>
    /// <param name="seed">
    /// Seed of the choice: each class's images are shuffled and the classes take turns (in a
    /// seeded order), so every class appears once before any appears twice. Same seed, same images.
    /// </param>
    /// <returns>The images shown, their maps and where the files are.</returns>
    /// <exception cref="ArgumentException"><paramref name="data"/> has no images, or <paramref name="outputDirectory"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    /// <exception cref="DatasetException">An image cannot be read (the message names it).</exception>
    public static GalleryResult Write(ImageClassificationModel model, ImageDataset data, string outputDirectory, int count = 16, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Write(model.Preprocessing, model.ToString(), (chunk, decoded) => Explain(model, decoded, [.. chunk.Select(s => s.Image.Name)]), data, outputDirectory, count, seed);
    }

    /// <summary>
    /// The gallery of a graph that <see cref="OnnxExport"/> wrote with the CAM and CAAM outputs, scored on ONNX Runtime
    /// (see <see cref="Write(ImageClassificationModel, ImageDataset, string, int, ulong)"/> for the files). A graph has no
    /// gradients, so its Grad-CAM column is the closed form these backbones give, <c>ReLU(CAM) / (h·w)</c>
    /// (<see cref="GalleryEntry.GradCam"/>), computed from the graph's CAM.
    /// </summary>
    /// <exception cref="ArgumentException">The graph has no Cam or Caam output (export it with maps), or <paramref name="data"/> has no images.</exception>
    public static GalleryResult Write(OnnxImageClassifier model, ImageDataset data, string outputDirectory, int count = 16, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        if ((model.Maps & OnnxMaps.CamAndCaam) != OnnxMaps.CamAndCaam)
        {
            throw new ArgumentException($"{model.Source} has no Cam and Caam outputs, which the gallery shows; export the model again with maps (camloss export --cam feature, or OnnxExportOptions.Maps = OnnxMaps.CamAndCaam).", nameof(model));
        }

        var options = new ScoringOptions { IncludeCam = true, IncludeCaam = true, Resolution = model.MapResolution };
        return Write(model.Preprocessing, model.ToString(), (chunk, _) => WithClosedFormGradCam([.. chunk.Select(s => model.Predict(s.Image, options))]), data, outputDirectory, count, seed);
    }

    /// <summary>
    /// The samples at <paramref name="order"/>, in that order; under <see cref="ImageDataset.SkipInvalidImages"/> those that
    /// cannot be decoded are left out and recorded in <see cref="ImageDataset.SkipReport"/> (so the gallery still shows
    /// as many images as asked), otherwise the first such image raises when its batch is decoded.
    /// </summary>
    private static IEnumerable<ImageSample> Readable(ImageDataset data, int[] order)
    {
        foreach (var index in order)
        {
            var sample = data[index];
            if (data.SkipInvalidImages)
            {
                try
                {
                    ImageDecoding.DecodeRgb(sample.Image, data.MaxImagePixels).Dispose();
                }
                catch (DatasetException e)
                {
                    data.SkipReport.Add(e);
                    continue;
                }
            }

            yield return sample;
        }
    }

    /// <summary>
    /// The gallery of a saved ML.NET model fitted with the <c>Cam</c> and <c>Caam</c> columns, scored through ML.NET
    /// (<see cref="MLNetImageClassifier"/>); the Grad-CAM column is the closed form, as for a graph
    /// (<see cref="Write(OnnxImageClassifier, ImageDataset, string, int, ulong)"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The model has no Cam or Caam column (fit it with the maps), or <paramref name="data"/> has no images.</exception>
    public static GalleryResult Write(MLNetImageClassifier model, ImageDataset data, string outputDirectory, int count = 16, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if ((model.Maps & OnnxMaps.CamAndCaam) != OnnxMaps.CamAndCaam)
        {
            throw new ArgumentException($"{model.Source} has no Cam and Caam columns, which the gallery shows; fit the model with ImageClassificationTrainerOptions.Maps = OnnxMaps.CamAndCaam and save it again.", nameof(model));
        }

        var options = new ScoringOptions { IncludeCam = true, IncludeCaam = true };
        return Write(
            model.Preprocessing,
            model.ToString(),
            (chunk, _) => WithClosedFormGradCam(model.Transform(new ImageDataset(chunk, data.Classes, data.Name), options)),
            data,
            outputDirectory,
            count,
            seed);
    }

    private static GalleryResult Write(
        ImagePipeline preprocessing, string description, Func<ImageSample[], Tensor[], (IReadOnlyList<ImagePrediction> Predictions, Heatmap[] GradCams)> explain,
        ImageDataset data, string outputDirectory, int count, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (data.Count == 0)
        {
            throw new ArgumentException($"Data set '{data.Name}' has no images to explain.", nameof(data));
        }

        var directory = Directory.CreateDirectory(outputDirectory).FullName;
        var samples = Readable(data, GallerySelection.Pick(data, data.Count, seed)).Take(count).ToArray();
        if (samples.Length == 0)
        {
            throw new ArgumentException($"No image of '{data.Name}' could be read ({data.SkipReport.Count} skipped).", nameof(data));
        }

        var entries = new List<GalleryEntry>(samples.Length);
        var rows = new List<RgbImage>(samples.Length);
        var scale = 1;
        long[] size = [];
        for (var start = 0; start < samples.Length; start += BatchSize)
        {
            using var scope = torch.NewDisposeScope();
            var chunk = samples.AsSpan(start, Math.Min(BatchSize, samples.Length - start)).ToArray();
            var decoded = chunk.Select(s => ImageDecoding.DecodeRgb(s.Image, data.MaxImagePixels)).ToArray();
            var (predictions, gradCams) = explain(chunk, decoded);
            for (var j = 0; j < chunk.Length; j++)
            {
                var i = start + j;
                var view = NetworkView.Geometric(preprocessing, decoded[j]);
                var factor = NetworkView.Scale(view.shape[1], view.shape[2]);
                if (i == 0)
                {
                    (scale, size) = (factor, [view.shape[1], view.shape[2]]);
                }

                var shown = NetworkView.Enlarge(view, factor);
                var prediction = predictions[j];
                var row = HeatmapRenderer.Grid(
                    [shown, Overlay(shown, prediction.Cam!), Overlay(shown, prediction.Caam!), Overlay(shown, gradCams[j])],
                    columns: 4,
                    gap: TileGap);
                var rowFile = string.Create(CultureInfo.InvariantCulture, $"{i:D3}-row.png");
                var imageFile = string.Create(CultureInfo.InvariantCulture, $"{i:D3}-image.png");
                ImageFiles.WritePng(Path.Combine(directory, rowFile), row);
                ImageFiles.WritePng(Path.Combine(directory, imageFile), shown);
                rows.Add(RgbImage.FromTensor(row));
                entries.Add(new GalleryEntry(
                    chunk[j].Image.Name, data.Classes[chunk[j].Label], prediction.PredictedLabel, prediction.Score[prediction.PredictedLabelIndex],
                    prediction.Cam!, prediction.Caam!, gradCams[j], rowFile, imageFile));
            }
        }

        using (var gallery = GalleryLayout.Column(rows, RowGap))
        {
            ImageFiles.WritePng(Path.Combine(directory, GalleryFileName), gallery);
        }

        var result = new GalleryResult(directory, entries, scale, size);
        GalleryJson.Write(Path.Combine(directory, JsonFileName), result, description, data.Name, seed, Colors.ToString().ToLowerInvariant(), Opacity);
        return result;
    }

    /// <summary>
    /// Predictions (with CAM and CAAM at feature resolution, from the model's own scoring code, so
    /// they equal the prediction engine's) and Grad-CAMs of decoded <c>uint8 [H, W, C]</c> images.
    /// Images whose preprocessed sizes agree go through the network together.
    /// </summary>
    private static (IReadOnlyList<ImagePrediction> Predictions, Heatmap[] GradCams) Explain(ImageClassificationModel model, Tensor[] decoded, string[] sources)
    {
        var options = new ScoringOptions { IncludeCam = true, IncludeCaam = true, Resolution = MapResolution.Feature };
        var inputs = decoded.Select(d => model.Preprocessing.Apply(d.permute(2, 0, 1), new SeededRandom(0))).ToArray();
        var predictions = new ImagePrediction[inputs.Length];
        var gradCams = new Heatmap[inputs.Length];
        foreach (var group in Enumerable.Range(0, inputs.Length).GroupBy(i => string.Join(",", inputs[i].shape)))
        {
            var members = group.ToArray();
            var batch = torch.stack(members.Select(i => inputs[i]));
            var scored = model.Score(batch, [.. members.Select(i => sources[i])], options, camClass: -1);
            var maps = GradCam.Compute(model, batch, [.. scored.Select(p => p.PredictedLabelIndex)]);
            for (var k = 0; k < members.Length; k++)
            {
                (predictions[members[k]], gradCams[members[k]]) = (scored[k], maps[k]);
            }
        }

        return (predictions, gradCams);
    }

    /// <summary>The predictions with Grad-CAM in the closed form <c>ReLU(CAM) / (h·w)</c> of each CAM (see <see cref="GradCam"/>'s remarks).</summary>
    private static (IReadOnlyList<ImagePrediction>, Heatmap[]) WithClosedFormGradCam(IReadOnlyList<ImagePrediction> predictions) =>
        (predictions, [.. predictions.Select(p => new Heatmap(p.Cam!.Height, p.Cam.Width, [.. p.Cam.Values.ToArray().Select(v => Math.Max(v, 0f) / (p.Cam.Height * p.Cam.Width))]))]);

    private static Tensor Overlay(Tensor image, Heatmap map) => HeatmapRenderer.Overlay(image, map, Opacity, Colors);
}
