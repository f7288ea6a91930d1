using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Cli.Training;

/// <summary>Shows a training run's progress while <see cref="Run{T}"/> trains.</summary>
internal interface ITrainingDisplay
{
    /// <summary>Runs <paramref name="training"/>, giving it the progress sink to report to, and shows the reports.</summary>
    T Run<T>(Func<IProgress<TrainingProgress>, T> training);
}
