namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// Decays by <c>gamma</c> at each milestone: <c>f = gamma^(milestones ≤ s)</c> (PyTorch's
/// <c>MultiStepLR</c>). A pure function of the step (see <see cref="LearningRateSchedule"/>).
/// </summary>
public sealed class MultiStepSchedule : LearningRateSchedule
{
    private readonly long[] _milestones;

    /// <summary>Creates the schedule.</summary>
    /// <param name="milestones">Steps at which the rate decays (any order; sorted here).</param>
    /// <param name="gamma">Multiplier per milestone passed; default 0.1.</param>
    public MultiStepSchedule(IEnumerable<long> milestones, double gamma = 0.1)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        _milestones = [.. milestones.Order()];
        Gamma = gamma;
    }

    /// <summary>Steps at which the rate decays, ascending.</summary>
    public IReadOnlyList<long> Milestones => _milestones;

    /// <summary>Multiplier per milestone passed.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    public override double GetFactor(long step) => Math.Pow(Gamma, _milestones.Count(m => m <= step));
}
