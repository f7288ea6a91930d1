using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.CamLoss.TrainingHost;

/// <summary>
/// A fresh process that scores a saved ML.NET model as a user would: <c>MLContext.Model.Load</c>, a prediction engine,
/// every image of an image folder (sorted), and writes the predicted labels, scores and CAMs as JSON. It loads with
/// ML.NET's own <c>Model.Load</c>, nothing registered first.
/// </summary>
public static class MLNetScoring
{
    public static int Run(string modelPath, string imagesRoot, string outputPath)
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Model.Load(modelPath, out _);
        using var engine = ml.Model.CreatePredictionEngine<ImageInput, ImageOutput>(model);
        var results = ImageFiles(imagesRoot)
            .Select(path => engine.Predict(new ImageInput { ImagePath = path, Label = string.Empty }))
            .Select(p => new ScoredImage(p.PredictedLabel, p.Score, p.Cam))
            .ToList();
        File.WriteAllText(outputPath, JsonSerializer.Serialize(results));
        Console.WriteLine($"scored {results.Count}");
        return 0;
    }

    /// <summary>The PNG and JPEG files under <paramref name="root"/>, in ordinal order of their paths.</summary>
    public static IEnumerable<string> ImageFiles(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".png" or ".jpg" or ".jpeg")
            .Order(StringComparer.Ordinal);

    /// <summary>What the saved pipeline reads.</summary>
    public sealed class ImageInput
    {
        public string ImagePath { get; set; } = string.Empty;

        public string Label { get; set; } = string.Empty;
    }

    /// <summary>What it writes.</summary>
    public sealed class ImageOutput
    {
        public string PredictedLabel { get; set; } = string.Empty;

        public float[] Score { get; set; } = [];

        public float[] Cam { get; set; } = [];
    }

    /// <summary>One image's result.</summary>
    public sealed record ScoredImage(string PredictedLabel, float[] Score, float[] Cam);
}
