using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Cli.Training;

/// <summary>Progress for logs and pipes: one line per epoch (<see cref="TrainingProgress.ToString"/>: loss, accuracy, images/s, ETA).</summary>
internal sealed class LineTrainingDisplay(TextWriter output) : ITrainingDisplay
{
    /// <inheritdoc />
    public T Run<T>(Func<IProgress<TrainingProgress>, T> training) => training(new ProgressSink(progress =>
    {
        if (progress.IsEpochEnd)
        {
            output.WriteLine(progress.ToString());
            output.Flush();
        }
    }));
}
