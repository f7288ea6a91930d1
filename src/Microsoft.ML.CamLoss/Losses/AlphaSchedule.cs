namespace Microsoft.ML.CamLoss.Losses;

/// <summary>
/// The weight <c>α</c> of <c>L_cam</c> as a function of the 0-based epoch (CAM-loss paper, Sec. 3.2, Eq. 7):
/// a step <c>α = 0</c> before epoch <c>t</c> and <c>c</c> from <c>t</c> on (<see cref="Step"/>; paper: <c>c = 3</c>,
/// <c>t = 20</c> for 160-epoch CIFAR runs), the adaptive rule with <c>t</c> = the epoch after the training
/// accuracy first exceeds 50% (<see cref="Adaptive"/>, the sensible default for fine-tuning), or any
/// function of the epoch (<see cref="FromFunction"/>).
/// </summary>
/// <remarks>
/// Trainers call <see cref="ValueAt"/> at the start of each epoch and <see cref="ReportEpoch"/> at its end.
/// </remarks>
public abstract class AlphaSchedule
{
    /// <summary>The paper's <c>c</c> (3).</summary>
    public const double DefaultValue = 3;

    /// <summary>The paper's <c>t</c> for CIFAR (20).</summary>
    public const int DefaultStartEpoch = 20;

    /// <summary>The adaptive rule's training-accuracy threshold (0.5).</summary>
    public const double DefaultAccuracyThreshold = 0.5;

    /// <summary><c>α</c> during the 0-based <paramref name="epoch"/>.</summary>
    public abstract double ValueAt(int epoch);

    /// <summary>Tells the schedule how an epoch ended (only the adaptive rule uses it).</summary>
    /// <param name="epoch">The 0-based epoch that just ended.</param>
    /// <param name="trainingAccuracy">Its training accuracy, a fraction in [0, 1].</param>
    public virtual void ReportEpoch(int epoch, double trainingAccuracy)
    {
        CheckEpoch(epoch);
        LossChecks.UnitInterval(trainingAccuracy, nameof(trainingAccuracy));
    }

    /// <summary><c>α = 0</c> for epochs before <paramref name="startEpoch"/>, <paramref name="value"/> from it on (Eq. 7).</summary>
    /// <param name="value"><c>c</c>; default 3.</param>
    /// <param name="startEpoch"><c>t</c>, 0-based; default 20.</param>
    public static AlphaSchedule Step(double value = DefaultValue, int startEpoch = DefaultStartEpoch) =>
        new StepAlphaSchedule(value, startEpoch);

    /// <summary>
    /// <c>α = 0</c> until the training accuracy of an epoch first exceeds <paramref name="accuracyThreshold"/>;
    /// <paramref name="value"/> from the next epoch on.
    /// </summary>
    /// <param name="value"><c>c</c>; default 3.</param>
    /// <param name="accuracyThreshold">Training accuracy (fraction) to exceed; default 0.5.</param>
    public static AdaptiveAlphaSchedule Adaptive(double value = DefaultValue, double accuracyThreshold = DefaultAccuracyThreshold) =>
        new(value, accuracyThreshold);

    /// <summary>Any function of the 0-based epoch; its values must be finite and non-negative.</summary>
    public static AlphaSchedule FromFunction(Func<int, double> alpha) => new FunctionAlphaSchedule(alpha);

    /// <summary>Throws for a negative epoch.</summary>
    protected static void CheckEpoch(int epoch) => ArgumentOutOfRangeException.ThrowIfNegative(epoch);
}
