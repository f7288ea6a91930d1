using Microsoft.ML.CamLoss.Torch.Interop;

namespace Microsoft.ML.CamLoss.Torch;

/// <summary>
/// Adam with decoupled weight decay, as <c>torch.optim.AdamW</c> (PyTorch 1.13):
/// <c>p ← p·(1 − lr·λ)</c>; <c>m ← β₁m + (1−β₁)g</c>; <c>v ← β₂v + (1−β₂)g²</c>;
/// <c>p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)</c> (with <c>v</c> replaced by its running max under AMSGrad).
/// </summary>
public sealed class AdamW : Optimizer
{
    private readonly StateSlots _expAvg = new();
    private readonly StateSlots _expAvgSq = new();
    private readonly StateSlots _maxExpAvgSq = new();

    /// <summary>Creates AdamW over one group of parameters.</summary>
    public AdamW(IEnumerable<Tensor> parameters, AdamWOptions options)
        : this([new ParameterGroup(parameters)], options)
    {
    }

    /// <summary>Creates AdamW over several parameter groups.</summary>
    public AdamW(IEnumerable<ParameterGroup> groups, AdamWOptions options)
        : base(groups, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.WeightDecay)
    {
        if (options.Beta1 is < 0 or >= 1 || options.Beta2 is < 0 or >= 1)
        {
            throw new ArgumentException($"Betas must lie in [0, 1); got ({options.Beta1}, {options.Beta2}).", nameof(options));
        }

        Options = options;
    }

    /// <summary>The settings shared by all groups.</summary>
    public AdamWOptions Options { get; }

    /// <inheritdoc />
    protected override void Update(ParameterGroup group, int index)
    {
        var parameter = group.Parameters[index];
        using (var grad = parameter.Grad)
        {
            if (grad is null)
            {
                return;
            }
        }

        var step = StepCounts[(group, index)] = StepCounts.GetValueOrDefault((group, index)) + 1;
        var expAvg = _expAvg.GetOrCreate(group, index, () => ZerosLike(parameter));
        var expAvgSq = _expAvgSq.GetOrCreate(group, index, () => ZerosLike(parameter));
        var maxExpAvgSq = Options.AmsGrad ? _maxExpAvgSq.GetOrCreate(group, index, () => ZerosLike(parameter)) : null;
        NativeStatus.Check(OptimInterop.camloss_adamw_update(
            parameter.Handle, expAvg.Handle, expAvgSq.Handle, Tensor.HandleOf(maxExpAvgSq), step,
            group.LearningRate, Options.Beta1, Options.Beta2, Options.Eps, group.WeightDecay,
            Options.AmsGrad ? 1 : 0, Options.Maximize ? 1 : 0));
    }

    /// <inheritdoc />
    protected override IEnumerable<(string Name, StateSlots Slots)> NamedStateSlots =>
        [("exp_avg", _expAvg), ("exp_avg_sq", _expAvgSq), ("max_exp_avg_sq", _maxExpAvgSq)];

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _expAvg.Clear();
            _expAvgSq.Clear();
            _maxExpAvgSq.Clear();
        }
    }

    private static Tensor ZerosLike(Tensor parameter) => Tensor.Zeros(parameter.Shape, parameter.DType, parameter.Device);
}

/// <summary>Settings of <see cref="AdamW"/>; the defaults are PyTorch's.</summary>
public sealed class AdamWOptions
{
    /// <summary>Learning rate; default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Decay of the first moment β₁; default 0.9.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Decay of the second moment β₂; default 0.999.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Added to the denominator; default 1e-8.</summary>
    public double Eps { get; init; } = 1e-8;

    /// <summary>Decoupled weight decay λ; default 1e-2 (per group overridable).</summary>
    public double WeightDecay { get; init; } = 1e-2;

    /// <summary>Use the running maximum of the second moment (AMSGrad); default false.</summary>
    public bool AmsGrad { get; init; }

    /// <summary>Maximise the objective instead of minimising; default false.</summary>
    public bool Maximize { get; init; }
}
