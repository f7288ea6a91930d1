using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// The state of a TorchSharp <see cref="SGD"/> or <see cref="AdamW"/> as named tensors, for a
/// checkpoint, and back: what a resumed run needs so that its next step equals the step an
/// uninterrupted run would take.
/// </summary>
/// <remarks>
/// <para>Names are <c>"{group}.{parameter}.{slot}"</c>, with the group and the parameter's position in
/// it counted from 0 in the order the optimiser was given them, and PyTorch's slot names:
/// <c>momentum_buffer</c> (SGD with momentum, once the parameter had a step), <c>exp_avg</c>,
/// <c>exp_avg_sq</c>, <c>max_exp_avg_sq</c> (AMSGrad only) and <c>step</c> (an int64 scalar) for
/// AdamW, written once the parameter had a step. This is v1's layout, so its checkpoints still load.</para>
/// <para>Learning rates, momentum and the other hyper-parameters are not state: the trainer recreates
/// the optimiser from its options, and the schedule (a pure function of the step) sets the rates.</para>
/// <para>TorchSharp's own <c>save_state_dict</c> writes a private binary stream, and its
/// <c>load_state_dict(StateDictionary)</c> takes another optimiser's live objects; neither fits a
/// checkpoint archive of named tensors, hence this class. It reads and writes the public state
/// records of <c>optimizer.state_dict()</c> (<see cref="SGD.State"/>, <see cref="AdamW.State"/>),
/// which are the optimiser's live state, so restoring them changes the optimiser in place.</para>
/// </remarks>
internal static class OptimizerStateDict
{
    /// <summary>The key of v1's optimiser step counter; accepted and ignored on load.</summary>
    private const string LegacyStepCountKey = "step_count";

    /// <summary>
    /// A copy of <paramref name="optimizer"/>'s state as named CPU tensors. They are new tensors,
    /// created in the current dispose scope: the caller disposes them (or lets the scope do it).
    /// </summary>
    /// <exception cref="NotSupportedException">The optimiser is neither SGD nor AdamW.</exception>
    public static OrderedDictionary<string, Tensor> Save(OptimizerHelper optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var state = new OrderedDictionary<string, Tensor>();
        using var noGrad = no_grad();
        foreach (var slot in Slots(optimizer))
        {
            switch (slot.State)
            {
                case SGD.State { momentum_buffer: { } buffer }:
                    state[slot.Key("momentum_buffer")] = Copy(buffer);
                    break;
                case AdamW.State { step: > 0 } adam:
                    state[slot.Key("step")] = tensor(adam.step);
                    state[slot.Key("exp_avg")] = Copy(adam.exp_avg);
                    state[slot.Key("exp_avg_sq")] = Copy(adam.exp_avg_sq);
                    if (adam.max_exp_avg_sq is { } max)
                    {
                        state[slot.Key("max_exp_avg_sq")] = Copy(max);
                    }

                    break;
            }
        }

        return state;
    }

    /// <summary>
    /// Replaces <paramref name="optimizer"/>'s state by <paramref name="state"/> (as written by
    /// <see cref="Save"/> for an optimiser of the same kind over parameters of the same shapes):
    /// every parameter without an entry starts fresh (no momentum; AdamW step 0 and zero moments).
    /// The tensors are copied, converted to each parameter's element type and device; the caller
    /// keeps ownership of <paramref name="state"/>. Nothing changes when an entry is rejected.
    /// </summary>
    /// <exception cref="ArgumentException">A key names a group, parameter or slot this optimiser does not have, or a tensor's shape differs from its parameter's.</exception>
    /// <exception cref="NotSupportedException">The optimiser is neither SGD nor AdamW.</exception>
    public static void Load(OptimizerHelper optimizer, IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(state);
        var slots = Slots(optimizer);
        var byKey = new Dictionary<(int Group, int Index), Slot>();
        foreach (var slot in slots)
        {
            byKey[(slot.Group, slot.Index)] = slot;
        }

        var entries = new List<(Slot Slot, string Name, Tensor Value)>();
        foreach (var (key, value) in state)
        {
            if (key == LegacyStepCountKey)
            {
                continue;
            }

            var parts = key.Split('.');
            if (parts.Length != 3 || !int.TryParse(parts[0], out var g) || !int.TryParse(parts[1], out var i) || !byKey.TryGetValue((g, i), out var slot))
            {
                throw new ArgumentException(
                    $"Optimizer state key '{key}' does not name a parameter of this optimiser ({Describe(slots)}); the state comes from a different model or optimiser.", nameof(state));
            }

            var name = parts[2];
            var allowed = SlotNames(slot.State);
            if (!allowed.Contains(name))
            {
                throw new ArgumentException(
                    $"Optimizer state '{key}' is a '{name}' slot, which {optimizer.GetType().Name} does not have here ({string.Join(", ", allowed)}).", nameof(state));
            }

            if (name == "step" ? value.numel() != 1 : !value.shape.AsSpan().SequenceEqual(slot.Parameter.shape))
            {
                var wanted = name == "step" ? "a single step count" : $"its parameter's shape [{string.Join(", ", slot.Parameter.shape)}]";
                throw new ArgumentException(
                    $"Optimizer state '{key}' has shape [{string.Join(", ", value.shape)}] but must have {wanted}.", nameof(state));
            }

            entries.Add((slot, name, value));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var slot in slots)
        {
            Reset(slot.State);
        }

        foreach (var (slot, name, value) in entries)
        {
            Restore(slot, name, value);
        }
    }

    private static void Reset(OptimizerState state)
    {
        switch (state)
        {
            case SGD.State sgd:
                sgd.momentum_buffer?.Dispose();
                sgd.momentum_buffer = null;
                break;
            case AdamW.State adam:
                adam.step = 0;
                adam.exp_avg.zero_();
                adam.exp_avg_sq.zero_();
                adam.max_exp_avg_sq?.zero_();
                break;
        }
    }

    private static void Restore(Slot slot, string name, Tensor value)
    {
        switch (slot.State, name)
        {
            case (SGD.State sgd, "momentum_buffer"):
                sgd.momentum_buffer = value.to(slot.Parameter.dtype, slot.Parameter.device, copy: true).DetachFromDisposeScope();
                break;
            case (AdamW.State adam, "step"):
                adam.step = value.dtype == ScalarType.Int64 ? value.item<long>() : (long)value.ToDouble();
                break;
            case (AdamW.State adam, "exp_avg"):
                adam.exp_avg.copy_(value);
                break;
            case (AdamW.State adam, "exp_avg_sq"):
                adam.exp_avg_sq.copy_(value);
                break;
            case (AdamW.State adam, "max_exp_avg_sq"):
                adam.max_exp_avg_sq!.copy_(value);
                break;
        }
    }

    private static string[] SlotNames(OptimizerState state) => state switch
    {
        SGD.State => ["momentum_buffer"],
        AdamW.State { max_exp_avg_sq: not null } => ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
        _ => ["step", "exp_avg", "exp_avg_sq"],
    };

    /// <summary>A CPU copy (the caller is under <c>no_grad</c>, so it has no autograd history).</summary>
    private static Tensor Copy(Tensor tensor) => tensor.to(CPU, copy: true);

    /// <summary>Every parameter of every group with its live state record, in the optimiser's order.</summary>
    private static List<Slot> Slots(OptimizerHelper optimizer)
    {
        if (optimizer is not (SGD or AdamW))
        {
            throw new NotSupportedException($"Checkpoints hold the state of SGD and AdamW only, not of {optimizer.GetType().Name}.");
        }

        var dictionary = optimizer.state_dict();
        var groups = optimizer.ParamGroups.Cast<ParamGroup>().ToList();
        var slots = new List<Slot>();
        for (var g = 0; g < groups.Count; g++)
        {
            var parameters = groups[g].Parameters.ToList();
            var indices = dictionary.StateIndexRef[g];
            for (var i = 0; i < parameters.Count; i++)
            {
                slots.Add(new Slot(g, i, parameters[i], dictionary.State[indices[i]]));
            }
        }

        return slots;
    }

    private static string Describe(List<Slot> slots) =>
        string.Join(", ", slots.GroupBy(s => s.Group).Select(g => $"group {g.Key}: {g.Count()} parameters"));

    private sealed record Slot(int Group, int Index, Parameter Parameter, OptimizerState State)
    {
        public string Key(string name) => $"{Group}.{Index}.{name}";
    }
}
