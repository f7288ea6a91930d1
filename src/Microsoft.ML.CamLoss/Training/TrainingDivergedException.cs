namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// The loss became NaN or infinite. Training stops before that step changes any weight; the last
/// checkpoint written (if any) is kept and can be resumed with other settings.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    internal TrainingDivergedException(string message, int epoch, int step, string? checkpointPath)
        : base(message)
    {
        Epoch = epoch;
        Step = step;
        CheckpointPath = checkpointPath;
    }

    /// <summary>The epoch (0-based) of the failing step.</summary>
    public int Epoch { get; }

    /// <summary>The step within the epoch (1-based).</summary>
    public int Step { get; }

    /// <summary>The last good checkpoint, or null when none was written.</summary>
    public string? CheckpointPath { get; }
}
