namespace Microsoft.ML.CamLoss.Training;

/// <summary>How the learning rate falls after the warm-up; applied every step.</summary>
public enum LearningRateDecay
{
    /// <summary>Cosine decay from the base rate to 0 over the run: <c>lr_t = lr · ½(1 + cos(π t / T))</c> (the paper's schedule).</summary>
    Cosine,

    /// <summary>The base rate throughout (after any warm-up).</summary>
    Constant,
}
