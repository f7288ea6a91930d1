using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Accuracy;

/// <summary>One training run of a comparison: a name, a trainer, and the test accuracy it reached.</summary>
internal static class Experiment
{
    /// <summary>Trains <paramref name="trainer"/> on <paramref name="train"/> through <paramref name="preprocessing"/>, evaluates on <paramref name="test"/>, prints and returns test MicroAccuracy.</summary>
    public static double Run(string name, ImagePipeline preprocessing, ImageClassificationTrainer trainer, ImageDataset train, ImageDataset test)
    {
        var clock = Stopwatch.StartNew();
        var progress = new SynchronousProgress(p =>
        {
            if (p.IsEpochEnd)
            {
                Console.WriteLine($"  {name}: {p}");
            }
        });
        using var model = trainer.Fit(train, preprocessing, progress);
        var metrics = model.Transform(test).Evaluate();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT {name}: test MicroAccuracy {metrics.MicroAccuracy:P2}, MacroAccuracy {metrics.MacroAccuracy:P2}, LogLoss {metrics.LogLoss:F4}, top-{metrics.TopKPredictionCount} {metrics.TopKAccuracy:P2}, {clock.Elapsed.TotalMinutes:F1} min"));
        return metrics.MicroAccuracy;
    }

    /// <summary>Mean ± sample standard deviation, in percent.</summary>
    public static string MeanStd(IReadOnlyList<double> values) =>
        string.Create(CultureInfo.InvariantCulture, $"{100 * values.Average():F2} ± {100 * Std(values):F2} %");

    /// <summary>The sample standard deviation (0 for one value).</summary>
    public static double Std(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        return values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : 0;
    }

    /// <summary>Reports on the training thread, as it happens (Progress&lt;T&gt; would post to the thread pool).</summary>
    internal sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
