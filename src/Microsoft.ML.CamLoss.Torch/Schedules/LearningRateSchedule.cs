namespace Microsoft.ML.CamLoss.Torch;

/// <summary>
/// A learning-rate schedule: the factor by which each parameter group's initial learning rate
/// is multiplied at a given step (or epoch: the unit is the caller's). Apply it with
/// <see cref="Optimizer.ApplySchedule"/>.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The factor at 0-based <paramref name="step"/>.</summary>
    public abstract double GetFactor(long step);
}
