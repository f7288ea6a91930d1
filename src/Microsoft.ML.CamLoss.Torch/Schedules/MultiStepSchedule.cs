namespace Microsoft.ML.CamLoss.Torch;

/// <summary>Decays by <c>gamma</c> at each milestone: <c>f = gamma^(milestones ≤ s)</c> (PyTorch's <c>MultiStepLR</c>).</summary>
public sealed class MultiStepSchedule : LearningRateSchedule
{
    private readonly long[] _milestones;

    /// <summary>Creates the schedule; <paramref name="gamma"/> defaults to 0.1.</summary>
    public MultiStepSchedule(IEnumerable<long> milestones, double gamma = 0.1)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        _milestones = milestones.Order().ToArray();
        Gamma = gamma;
    }

    /// <summary>Steps at which the rate decays, ascending.</summary>
    public IReadOnlyList<long> Milestones => _milestones;

    /// <summary>Multiplier per milestone passed.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    public override double GetFactor(long step) => Math.Pow(Gamma, _milestones.Count(m => m <= step));
}
