namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// Linear warm-up, then cosine decay (the papers' protocol): for <c>s &lt; w</c>,
/// <c>f = f₀ + (1 − f₀)·s/w</c>; after it, <c>f = m + (1 − m)·(1 + cos(π·(s − w)/(T − w)))/2</c>,
/// which is PyTorch's <c>CosineAnnealingLR</c> with <c>eta_min = m·lr</c>; <c>f = m</c> from step T on.
/// A pure function of the step (see <see cref="LearningRateSchedule"/>), so a resumed run gets the
/// same rates as an uninterrupted one.
/// </summary>
public sealed class CosineSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="totalSteps">T: the step at which the factor reaches <paramref name="minFactor"/>; at least 1.</param>
    /// <param name="warmupSteps">w: steps of linear warm-up, in [0, T); default 0.</param>
    /// <param name="warmupStartFactor">f₀: factor at step 0 of the warm-up; default 0.01.</param>
    /// <param name="minFactor">m: final factor; default 0 (1 keeps the rate constant after the warm-up).</param>
    public CosineSchedule(long totalSteps, long warmupSteps = 0, double warmupStartFactor = 0.01, double minFactor = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(warmupSteps, totalSteps);
        (TotalSteps, WarmupSteps, WarmupStartFactor, MinFactor) = (totalSteps, warmupSteps, warmupStartFactor, minFactor);
    }

    /// <summary>T.</summary>
    public long TotalSteps { get; }

    /// <summary>w.</summary>
    public long WarmupSteps { get; }

    /// <summary>f₀.</summary>
    public double WarmupStartFactor { get; }

    /// <summary>m.</summary>
    public double MinFactor { get; }

    /// <inheritdoc />
    public override double GetFactor(long step)
    {
        if (step < WarmupSteps)
        {
            return WarmupStartFactor + ((1 - WarmupStartFactor) * step / WarmupSteps);
        }

        var progress = Math.Min(1.0, (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps));
        return MinFactor + ((1 - MinFactor) * (1 + Math.Cos(Math.PI * progress)) / 2);
    }
}
