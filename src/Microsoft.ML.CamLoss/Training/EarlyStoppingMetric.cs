namespace Microsoft.ML.CamLoss.Training;

/// <summary>The validation metric early stopping watches.</summary>
public enum EarlyStoppingMetric
{
    /// <summary>Validation <c>MicroAccuracy</c> (higher is better).</summary>
    MicroAccuracy,

    /// <summary>Validation <c>MacroAccuracy</c> (higher is better).</summary>
    MacroAccuracy,

    /// <summary>Validation <c>LogLoss</c> (lower is better).</summary>
    LogLoss,
}
