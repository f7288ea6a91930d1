namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// Stops training when the validation metric has not improved by more than
/// <see cref="MinDelta"/> for <see cref="Patience"/> epochs in a row. Needs a validation set.
/// </summary>
public sealed class EarlyStoppingOptions
{
    /// <summary>The metric watched; default <see cref="EarlyStoppingMetric.MicroAccuracy"/>.</summary>
    public EarlyStoppingMetric Metric = EarlyStoppingMetric.MicroAccuracy;

    /// <summary>Epochs without improvement before stopping; default 5.</summary>
    public int Patience = 5;

    /// <summary>The smallest change that counts as an improvement; default 0.</summary>
    public double MinDelta;

    /// <summary>Whether the model returned has the weights of the best epoch (default true) rather than the last.</summary>
    public bool RestoreBestWeights = true;
}
