namespace Microsoft.ML.CamLoss.Losses;

/// <summary>The step <c>α = 0</c> for <c>epoch &lt; t</c>, <c>α = c</c> for <c>epoch ≥ t</c> (CAM-loss paper, Eq. 7); see <see cref="AlphaSchedule.Step"/>.</summary>
internal sealed class StepAlphaSchedule : AlphaSchedule
{
    private readonly double _value;
    private readonly int _startEpoch;

    public StepAlphaSchedule(double value, int startEpoch)
    {
        LossChecks.NonNegative(value, nameof(value));
        ArgumentOutOfRangeException.ThrowIfNegative(startEpoch);
        _value = value;
        _startEpoch = startEpoch;
    }

    public override double ValueAt(int epoch)
    {
        CheckEpoch(epoch);
        return epoch >= _startEpoch ? _value : 0;
    }
}
