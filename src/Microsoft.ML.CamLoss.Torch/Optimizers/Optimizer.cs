namespace Microsoft.ML.CamLoss.Torch;

/// <summary>
/// Updates parameters from their gradients. Usage per step: <see cref="ZeroGrad"/>, forward,
/// <c>loss.Backward()</c>, <see cref="Step"/>. The optimiser owns its state tensors (momentum,
/// moments) and disposes them.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly List<ParameterGroup> _groups;

    /// <summary>Resolves each group's settings against the optimiser's defaults.</summary>
    protected Optimizer(IEnumerable<ParameterGroup> groups, double defaultLearningRate, double defaultWeightDecay)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentOutOfRangeException.ThrowIfNegative(defaultLearningRate);
        ArgumentOutOfRangeException.ThrowIfNegative(defaultWeightDecay);
        _groups = groups.ToList();
        if (_groups.Count == 0 || _groups.All(g => g.Parameters.Count == 0))
        {
            throw new ArgumentException("The optimiser got no parameters to update.", nameof(groups));
        }

        foreach (var group in _groups)
        {
            group.Resolve(defaultLearningRate, defaultWeightDecay);
        }
    }

    /// <summary>The parameter groups, in the order given.</summary>
    public IReadOnlyList<ParameterGroup> ParameterGroups => _groups;

    /// <summary>Number of completed <see cref="Step"/> calls.</summary>
    public long StepCount { get; private set; }

    /// <summary>Drops every parameter's gradient (as <c>zero_grad(set_to_none=True)</c>).</summary>
    public void ZeroGrad()
    {
        foreach (var group in _groups)
        {
            foreach (var parameter in group.Parameters)
            {
                parameter.ClearGrad();
            }
        }
    }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public void Step()
    {
        StepCount++;
        using var _ = Autograd.NoGrad();
        foreach (var group in _groups)
        {
            for (var i = 0; i < group.Parameters.Count; i++)
            {
                Update(group, i);
            }
        }
    }

    /// <summary>Sets every group's learning rate to its initial rate × <paramref name="factor"/>.</summary>
    public void SetLearningRateFactor(double factor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(factor);
        foreach (var group in _groups)
        {
            group.LearningRate = group.InitialLearningRate * factor;
        }
    }

    /// <summary>Sets the learning rates that <paramref name="schedule"/> gives for <paramref name="step"/>.</summary>
    public void ApplySchedule(LearningRateSchedule schedule, long step)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        SetLearningRateFactor(schedule.GetFactor(step));
    }

    /// <summary>Releases the optimiser's state tensors.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Updates parameter <paramref name="index"/> of <paramref name="group"/>.</summary>
    protected abstract void Update(ParameterGroup group, int index);

    /// <summary>Releases state tensors.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>One state slot per parameter of each group, created lazily and owned by the optimiser.</summary>
    protected sealed class StateSlots
    {
        private readonly Dictionary<(ParameterGroup, int), Tensor> _slots = [];

        /// <summary>The state of a parameter, or null before its first update.</summary>
        public Tensor? Get(ParameterGroup group, int index) => _slots.GetValueOrDefault((group, index));

        /// <summary>The state of a parameter, created by <paramref name="create"/> on first use.</summary>
        public Tensor GetOrCreate(ParameterGroup group, int index, Func<Tensor> create)
        {
            if (!_slots.TryGetValue((group, index), out var state))
            {
                state = create().DetachFromScope();
                _slots[(group, index)] = state;
            }

            return state;
        }

        /// <summary>Stores a state created elsewhere; the optimiser takes ownership.</summary>
        public void Set(ParameterGroup group, int index, Tensor state) => _slots[(group, index)] = state.DetachFromScope();

        /// <summary>Disposes every state tensor.</summary>
        public void Clear()
        {
            foreach (var state in _slots.Values)
            {
                state.Dispose();
            }

            _slots.Clear();
        }
    }
}
