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

    /// <summary>
    /// A copy of the optimiser's state for a checkpoint: each state tensor under
    /// <c>"{group}.{parameter}.{slot}"</c> (e.g. <c>"0.3.momentum_buffer"</c>), per-parameter step
    /// counts as int64 scalars under <c>"{group}.{parameter}.step"</c>, and <see cref="StepCount"/>
    /// under <c>"step_count"</c>. The caller owns (disposes) the tensors. Learning rates are not
    /// state: the schedule sets them from the step.
    /// </summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        using var scope = new TensorScope();
        var state = new OrderedDictionary<string, Tensor> { ["step_count"] = Tensor.Scalar(StepCount, ScalarType.Int64) };
        foreach (var (name, slots) in NamedStateSlots)
        {
            foreach (var ((group, index), tensor) in slots.Items)
            {
                state[$"{_groups.IndexOf(group)}.{index}.{name}"] = tensor.Clone();
            }
        }

        foreach (var ((group, index), count) in StepCounts)
        {
            state[$"{_groups.IndexOf(group)}.{index}.step"] = Tensor.Scalar(count, ScalarType.Int64);
        }

        foreach (var tensor in state.Values)
        {
            tensor.MoveToOuterScope();
        }

        return state;
    }

    /// <summary>
    /// Restores state written by <see cref="StateDict"/> of an optimiser of the same kind over the
    /// same parameters (copied; the caller keeps ownership of <paramref name="state"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A key names a group, parameter or slot this optimiser does not have, or a tensor's shape differs from its parameter's.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var slotsByName = NamedStateSlots.ToDictionary(s => s.Name, s => s.Slots);
        foreach (var (_, slots) in slotsByName)
        {
            slots.Clear();
        }

        StepCounts.Clear();
        foreach (var (key, tensor) in state)
        {
            if (key == "step_count")
            {
                StepCount = (long)tensor.ToDouble();
                continue;
            }

            var parts = key.Split('.');
            if (parts.Length != 3 || !int.TryParse(parts[0], out var g) || !int.TryParse(parts[1], out var i) ||
                g < 0 || g >= _groups.Count || i < 0 || i >= _groups[g].Parameters.Count)
            {
                throw new ArgumentException($"Optimizer state key '{key}' does not name a parameter of this optimiser ({_groups.Count} groups); the state comes from a different model or optimiser.", nameof(state));
            }

            var (group, parameter) = (_groups[g], _groups[g].Parameters[i]);
            if (parts[2] == "step")
            {
                StepCounts[(group, i)] = (long)tensor.ToDouble();
            }
            else if (slotsByName.TryGetValue(parts[2], out var slots))
            {
                if (!tensor.Shape.AsSpan().SequenceEqual(parameter.Shape))
                {
                    throw new ArgumentException($"Optimizer state '{key}' has shape [{string.Join(", ", tensor.Shape)}] but its parameter has [{string.Join(", ", parameter.Shape)}].", nameof(state));
                }

                using var scope = new TensorScope();
                slots.Set(group, i, tensor.To(parameter.Device).To(parameter.DType).Clone());
            }
            else
            {
                throw new ArgumentException($"Optimizer state '{key}' is a '{parts[2]}' slot, which {GetType().Name} does not have ({string.Join(", ", slotsByName.Keys.Append("step"))}).", nameof(state));
            }
        }
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

    /// <summary>The state slots with the names used by <see cref="StateDict"/> (PyTorch's names, e.g. <c>momentum_buffer</c>, <c>exp_avg</c>).</summary>
    protected virtual IEnumerable<(string Name, StateSlots Slots)> NamedStateSlots => [];

    /// <summary>Per-parameter step counts, for optimisers that keep them (AdamW's bias correction).</summary>
    protected virtual Dictionary<(ParameterGroup Group, int Index), long> StepCounts { get; } = [];

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

        /// <summary>Stores a state created elsewhere; the optimiser takes ownership (and disposes any previous state).</summary>
        public void Set(ParameterGroup group, int index, Tensor state)
        {
            if (_slots.Remove((group, index), out var previous))
            {
                previous.Dispose();
            }

            _slots[(group, index)] = state.DetachFromScope();
        }

        /// <summary>Every stored state with its parameter.</summary>
        public IEnumerable<KeyValuePair<(ParameterGroup Group, int Index), Tensor>> Items => _slots;

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
