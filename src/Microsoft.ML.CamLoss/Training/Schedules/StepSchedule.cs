namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// Decays by <c>gamma</c> every <c>stepSize</c> steps: <c>f = gamma^⌊s / stepSize⌋</c> (PyTorch's
/// <c>StepLR</c>). A pure function of the step (see <see cref="LearningRateSchedule"/>).
/// </summary>
public sealed class StepSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="stepSize">Steps between decays; at least 1.</param>
    /// <param name="gamma">Multiplier per decay; default 0.1.</param>
    public StepSchedule(long stepSize, double gamma = 0.1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepSize, 1);
        (StepSize, Gamma) = (stepSize, gamma);
    }

    /// <summary>Steps between decays.</summary>
    public long StepSize { get; }

    /// <summary>Multiplier per decay.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    public override double GetFactor(long step) => Math.Pow(Gamma, step / StepSize);
}
