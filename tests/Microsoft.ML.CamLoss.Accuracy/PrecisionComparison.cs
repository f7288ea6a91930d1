using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Accuracy;

/// <summary>
/// Issue 18, "Must show 2": the same training in fp32 and in bf16 mixed precision, seeds 1…N, on the setups of
/// <see cref="Comparisons"/> (flowers12 transfer, Fashion-MNIST). Per seed both precisions see the same data order,
/// augmentation and initialisation (they derive from the seed); only the arithmetic differs. Prints per run a RESULT
/// line and at the end "SUMMARY …: fp32 mean ± std, bf16 mean ± std; |Δmean| … one std …".
/// </summary>
internal static class PrecisionComparison
{
    /// <summary>Runs <paramref name="trainer"/> (<c>cam</c>: CAM-loss, <c>ce</c>: cross-entropy) of <paramref name="setup"/> in both precisions.</summary>
    public static void Run(string title, int seeds, string trainer, Func<int, TrainingPrecision, SeedRun> setup)
    {
        var results = new Dictionary<TrainingPrecision, List<double>> { [TrainingPrecision.Fp32] = [], [TrainingPrecision.Bf16] = [] };
        for (var seed = 1; seed <= seeds; seed++)
        {
            foreach (var precision in results.Keys)
            {
                var run = setup(seed, precision);
                var name = $"seed {seed} {trainer} {precision.ToString().ToLowerInvariant()}";
                results[precision].Add(Experiment.Run(name, run.Preprocessing, trainer == "ce" ? run.CrossEntropy() : run.CamLoss(), run.Train, run.Test));
            }
        }

        var (fp32, bf16) = (results[TrainingPrecision.Fp32], results[TrainingPrecision.Bf16]);
        var difference = Math.Abs(fp32.Average() - bf16.Average());
        var std = Math.Max(Experiment.Std(fp32), Experiment.Std(bf16));
        Console.WriteLine(
            $"SUMMARY {title}, {trainer}, {seeds} seeds: fp32 {Experiment.MeanStd(fp32)}, bf16 {Experiment.MeanStd(bf16)}; " +
            $"|Δmean| {100 * difference:F2} points {(difference <= std ? "within" : "NOT within")} one standard deviation ({100 * std:F2}); " +
            $"per seed fp32 {string.Join("/", fp32.Select(a => $"{100 * a:F2}"))} vs bf16 {string.Join("/", bf16.Select(a => $"{100 * a:F2}"))}");
    }
}
