namespace Microsoft.ML.CamLoss.Losses;

/// <summary><c>α = f(epoch)</c> for a user function; see <see cref="AlphaSchedule.FromFunction"/>.</summary>
internal sealed class FunctionAlphaSchedule : AlphaSchedule
{
    private readonly Func<int, double> _alpha;

    public FunctionAlphaSchedule(Func<int, double> alpha)
    {
        ArgumentNullException.ThrowIfNull(alpha);
        _alpha = alpha;
    }

    public override double ValueAt(int epoch)
    {
        CheckEpoch(epoch);
        var value = _alpha(epoch);
        if (!double.IsFinite(value) || value < 0)
        {
            throw new InvalidOperationException($"The alpha function gave {value} at epoch {epoch}; alpha must be finite and non-negative.");
        }

        return value;
    }
}
