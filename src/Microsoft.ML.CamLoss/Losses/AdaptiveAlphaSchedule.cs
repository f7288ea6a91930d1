namespace Microsoft.ML.CamLoss.Losses;

/// <summary>
/// The adaptive rule of the CAM-loss paper (Sec. 3.2): <c>α = 0</c> until an epoch ends with a training
/// accuracy above the threshold (strictly greater; default 50%), then <c>α = c</c> from the next epoch on.
/// </summary>
/// <remarks>
/// <see cref="StartEpoch"/> is the only state; save it with a checkpoint and pass it back to the
/// constructor to resume.
/// </remarks>
public sealed class AdaptiveAlphaSchedule : AlphaSchedule
{
    private readonly double _value;
    private readonly double _threshold;

    /// <summary>Creates the rule.</summary>
    /// <param name="value"><c>c</c>; default 3.</param>
    /// <param name="accuracyThreshold">Training accuracy (a fraction in [0, 1)) to exceed; default 0.5.</param>
    /// <param name="startEpoch">The 0-based epoch <c>t</c> already found (when resuming), or null.</param>
    public AdaptiveAlphaSchedule(double value = DefaultValue, double accuracyThreshold = DefaultAccuracyThreshold, int? startEpoch = null)
    {
        LossChecks.NonNegative(value, nameof(value));
        if (!(accuracyThreshold >= 0 && accuracyThreshold < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(accuracyThreshold), accuracyThreshold, "accuracyThreshold must be in [0, 1).");
        }

        if (startEpoch is { } start)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(start, nameof(startEpoch));
        }

        _value = value;
        _threshold = accuracyThreshold;
        StartEpoch = startEpoch;
    }

    /// <summary>The first epoch with <c>α = c</c>, or null while the accuracy has not yet exceeded the threshold.</summary>
    public int? StartEpoch { get; private set; }

    /// <inheritdoc />
    public override double ValueAt(int epoch)
    {
        CheckEpoch(epoch);
        return StartEpoch is { } start && epoch >= start ? _value : 0;
    }

    /// <inheritdoc />
    public override void ReportEpoch(int epoch, double trainingAccuracy)
    {
        base.ReportEpoch(epoch, trainingAccuracy);
        if (StartEpoch is null && trainingAccuracy > _threshold)
        {
            StartEpoch = epoch + 1;
        }
    }
}
