namespace Microsoft.ML.CamLoss.Torch;

/// <summary>Decays by <c>gamma</c> every <c>stepSize</c> steps: <c>f = gamma^⌊s / stepSize⌋</c> (PyTorch's <c>StepLR</c>).</summary>
public sealed class StepSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule; <paramref name="gamma"/> defaults to 0.1.</summary>
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
