using System.Globalization;
using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.Training;
using Spectre.Console;

namespace Microsoft.ML.CamLoss.Cli.Training;

/// <summary>
/// Live progress on a terminal (Spectre.Console): a bar for the current epoch with its running
/// loss, accuracy and images/s, a bar for the whole run with the ETA, and one line left above the
/// bars for every finished epoch.
/// </summary>
internal sealed class SpectreTrainingDisplay(IAnsiConsole console) : ITrainingDisplay
{
    /// <inheritdoc />
    public T Run<T>(Func<IProgress<TrainingProgress>, T> training)
    {
        var stats = new TrainingStatsColumn();
        return console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), stats)
            .Start(context =>
            {
                var total = context.AddTask("total", maxValue: 1);
                ProgressTask? epochTask = null;
                var epoch = -1;
                return training(new ProgressSink(progress =>
                {
                    if (progress.Epoch != epoch)
                    {
                        epoch = progress.Epoch;
                        epochTask?.StopTask();
                        epochTask = context.AddTask($"epoch {epoch + 1}/{progress.Epochs}", maxValue: Math.Max(1, progress.StepsPerEpoch));
                    }

                    epochTask!.Value = progress.Step;
                    stats.Set(epochTask.Id, Running(progress));
                    total.MaxValue = Math.Max(1, (double)progress.Epochs * progress.StepsPerEpoch);
                    total.Value = ((double)progress.Epoch * progress.StepsPerEpoch) + progress.Step;
                    stats.Set(total.Id, string.Create(CultureInfo.InvariantCulture, $"elapsed {progress.Elapsed:h\\:mm\\:ss} ETA {progress.EstimatedRemaining:h\\:mm\\:ss}"));
                    if (progress.IsEpochEnd)
                    {
                        epochTask.StopTask();
                        context.Refresh();
                        console.WriteLine(progress.ToString());
                    }
                }));
            });
    }

    private static string Running(TrainingProgress p) => string.Create(
        CultureInfo.InvariantCulture,
        $"loss {p.Loss:F4} acc {p.TrainAccuracy:P1}{(p.Validation is { } v ? $" val {v.MicroAccuracy:P1}" : string.Empty)} {p.ImagesPerSecond:F0} img/s {EnumNames.Of(p.Precision)}");
}
