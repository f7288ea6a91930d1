using System.Diagnostics;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Cli.Training;

/// <summary>
/// Progress for logs and pipes: one line per epoch (<see cref="TrainingProgress.ToString"/>: loss,
/// accuracy, images/s, ETA), and within long epochs a line at most every <see cref="StepLineInterval"/>.
/// </summary>
internal sealed class LineTrainingDisplay(TextWriter output) : ITrainingDisplay
{
    /// <summary>The least time between two lines within an epoch.</summary>
    public static readonly TimeSpan StepLineInterval = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public T Run<T>(Func<IProgress<TrainingProgress>, T> training)
    {
        var sinceLine = Stopwatch.StartNew();
        return training(new ProgressSink(progress =>
        {
            if (progress.IsEpochEnd || sinceLine.Elapsed >= StepLineInterval)
            {
                output.WriteLine(progress.ToString());
                output.Flush();
                sinceLine.Restart();
            }
        }));
    }
}
