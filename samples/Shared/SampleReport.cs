using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Training;
using Microsoft.ML.Data;

namespace Microsoft.ML.CamLoss.Samples;

/// <summary>What the samples print and save: ML.NET's metrics in one line, progress at epoch ends, the model zip saved and read back.</summary>
internal static class SampleReport
{
    /// <summary>ML.NET's multiclass metrics in one line.</summary>
    public static string Line(MulticlassClassificationMetrics metrics) =>
        $"MicroAccuracy {metrics.MicroAccuracy:P2}, MacroAccuracy {metrics.MacroAccuracy:P2}, LogLoss {metrics.LogLoss:F3}" +
        (metrics.TopKPredictionCount > 0 ? $", top-{metrics.TopKPredictionCount} {metrics.TopKAccuracy:P2}" : string.Empty);

    /// <summary>Prints one line per epoch (loss, α, train accuracy, images/s) with <paramref name="prefix"/>.</summary>
    public static IProgress<TrainingProgress> EpochLines(string prefix = "") =>
        new SynchronousProgress(p =>
        {
            if (p.IsEpochEnd)
            {
                Console.WriteLine($"{prefix}{p}");
            }
        });

    /// <summary>
    /// Saves <paramref name="model"/> with ML.NET's <c>Model.Save</c> (an ordinary ML.NET zip: ML.NET's own transformers around
    /// the network as ONNX) and loads it back with <c>Model.LoadCamLossModel</c> (ML.NET's <c>Load</c>, ONNX Runtime's telemetry off).
    /// </summary>
    public static ITransformer SaveAndLoad(MLContext ml, ITransformer model, DataViewSchema inputSchema, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        ml.Model.Save(model, inputSchema, path);
        Console.WriteLine($"Saved the ML.NET model: {Path.GetFullPath(path)} ({new FileInfo(path).Length / 1024.0 / 1024.0:F1} MB)");
        return ml.Model.LoadCamLossModel(path, out _);
    }

    /// <summary>Predicts a few rows of <paramref name="data"/> with ML.NET's prediction engine and prints the top 3 classes of each.</summary>
    public static void PredictSome(MLContext ml, ITransformer model, IDataView data, int count = 3)
    {
        var classNames = ClassNames(model, data);
        using var engine = ml.Model.CreatePredictionEngine<LabeledImage, ImagePrediction>(model);
        var rows = ml.Data.CreateEnumerable<LabeledImage>(data, reuseRowObject: false).ToList();
        foreach (var row in rows.Where((_, i) => i % Math.Max(1, rows.Count / count) == 0).Take(count))
        {
            var prediction = engine.Predict(row);
            var top = prediction.Score.Select((p, k) => (Name: classNames[k], Probability: p)).OrderByDescending(t => t.Probability).Take(3);
            Console.WriteLine($"  {Path.GetFileName(row.ImagePath)} (a {row.Label}): {prediction.PredictedLabel}; top 3: {string.Join(", ", top.Select(t => $"{t.Name} {t.Probability:P0}"))}");
        }
    }

    /// <summary>The class names, the slot names of the fitted model's <c>Score</c> column.</summary>
    private static string[] ClassNames(ITransformer model, IDataView data)
    {
        VBuffer<ReadOnlyMemory<char>> names = default;
        model.GetOutputSchema(data.Schema)["Score"].GetSlotNames(ref names);
        return [.. names.DenseValues().Select(n => n.ToString())];
    }

    /// <summary>An <see cref="IProgress{T}"/> that reports on the trainer's thread (<see cref="Progress{T}"/> posts to the thread pool, so lines could come late or out of order).</summary>
    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
