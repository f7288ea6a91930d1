using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Pipelines;
using Microsoft.ML.CamLoss.Torch;

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
/// CAM and CAAM come from the model's prediction engine at feature resolution
/// (<see cref="MapResolution.Feature"/>), Grad-CAM from a gradient pass at the same last feature
/// map. Each map is min-max normalised and resized bilinearly in one step from its feature
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
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (data.Count == 0)
        {
            throw new ArgumentException($"Data set '{data.Name}' has no images to explain.", nameof(data));
        }

        var directory = Directory.CreateDirectory(outputDirectory).FullName;
        var engine = model.CreatePredictionEngine(new ScoringOptions { IncludeCam = true, IncludeCaam = true, Resolution = MapResolution.Feature });
        var picks = GallerySelection.Pick(data, count, seed);
        var entries = new List<GalleryEntry>(picks.Length);
        var scale = 1;
        long[] size = [];

        using var scope = new TensorScope();
        var rows = new List<Tensor>(picks.Length);
        for (var i = 0; i < picks.Length; i++)
        {
            using var imageScope = new TensorScope();
            var sample = data[picks[i]];
            var prediction = engine.Predict(sample.Image);
            var decoded = ImageDecoding.DecodeRgb(sample.Image);
            var input = model.Preprocessing.Apply(decoded.Permute(2, 0, 1), new SeededRandom(0));
            var gradCam = GradCam.Compute(model, input, prediction.PredictedLabelIndex);

            var view = NetworkView.Geometric(model.Preprocessing, decoded);
            var factor = NetworkView.Scale(view.Size(1), view.Size(2));
            if (i == 0)
            {
                (scale, size) = (factor, [view.Size(1), view.Size(2)]);
            }

            var shown = NetworkView.Enlarge(view, factor);
            var row = HeatmapRenderer.Grid(
                [shown, Overlay(shown, prediction.Cam!), Overlay(shown, prediction.Caam!), Overlay(shown, gradCam)],
                columns: 4,
                gap: TileGap);
            var rowFile = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{i:D3}-row.png");
            var imageFile = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{i:D3}-image.png");
            ImageEncoder.WritePng(Path.Combine(directory, rowFile), row);
            ImageEncoder.WritePng(Path.Combine(directory, imageFile), shown);
            rows.Add(imageScope.MoveOut(row));
            entries.Add(new GalleryEntry(
                sample.Image.Name, data.Classes[sample.Label], prediction.PredictedLabel, prediction.Score[prediction.PredictedLabelIndex],
                prediction.Cam!, prediction.Caam!, gradCam, rowFile, imageFile));
        }

        ImageEncoder.WritePng(Path.Combine(directory, GalleryFileName), GalleryLayout.Column(rows, RowGap));
        var result = new GalleryResult(directory, entries, scale, size);
        GalleryJson.Write(Path.Combine(directory, JsonFileName), result, model.ToString(), data.Name, seed, Colors.ToString().ToLowerInvariant(), Opacity);
        return result;
    }

    private static Tensor Overlay(Tensor image, Heatmap map) => HeatmapRenderer.Overlay(image, map, Opacity, Colors);
}
