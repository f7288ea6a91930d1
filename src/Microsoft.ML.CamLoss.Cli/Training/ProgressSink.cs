using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Cli.Training;

/// <summary>An <see cref="IProgress{T}"/> that handles each report on the reporting (training) thread, in order, unlike <see cref="Progress{T}"/>.</summary>
internal sealed class ProgressSink(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    /// <inheritdoc />
    public void Report(TrainingProgress value) => report(value);
}
