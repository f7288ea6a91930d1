using TorchSharp;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// A learning-rate schedule: the factor by which each parameter group's initial learning rate is
/// multiplied at a given 0-based step (or epoch: the unit is the caller's). The trainers apply it
/// before every optimiser step with <see cref="Apply"/>.
/// </summary>
/// <remarks>
/// A schedule is a pure function of the step: it keeps no state and reads nothing but its
/// argument. That is what makes a resumed run exact: the checkpoint records the position
/// (epoch, step), and the rate at any step is recomputed from it, with nothing else to save or
/// restore. It is also why the trainers use these rather than TorchSharp's
/// <c>torch.optim.lr_scheduler</c> classes, which advance an internal counter on every
/// <c>step()</c> call and would have to be replayed or serialised to continue a run.
/// </remarks>
public abstract class LearningRateSchedule
{
    /// <summary>The factor at 0-based <paramref name="step"/>.</summary>
    public abstract double GetFactor(long step);

    /// <summary>
    /// Sets the learning rate of every parameter group of <paramref name="optimizer"/> to its initial
    /// rate × <see cref="GetFactor"/>(<paramref name="step"/>), as <c>LambdaLR</c> would at that step
    /// (a group's initial rate is the one it was created with, e.g. the head's multiplied rate).
    /// </summary>
    /// <param name="optimizer">An optimiser with parameter groups, e.g. <c>torch.optim.SGD</c> or <c>torch.optim.AdamW</c>.</param>
    /// <param name="step">The 0-based step about to be taken.</param>
    /// <exception cref="ArgumentException">The optimiser exposes no parameter groups.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The factor at <paramref name="step"/> is negative or not finite.</exception>
    public void Apply(torch.optim.Optimizer optimizer, long step)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var groups = optimizer.ParamGroups ?? throw new ArgumentException(
            $"{optimizer.GetType().Name} exposes no parameter groups, so a schedule cannot set its learning rate.", nameof(optimizer));
        var factor = GetFactor(step);
        if (!double.IsFinite(factor) || factor < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"{GetType().Name} gave the factor {factor} at step {step}; factors must be finite and ≥ 0.");
        }

        foreach (var group in groups)
        {
            group.LearningRate = group.InitialLearningRate * factor;
        }
    }
}
